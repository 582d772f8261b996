package dev.keyframe.catalog;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.keyframe.catalog.internal.Asset;
import dev.keyframe.catalog.internal.Assets;
import dev.keyframe.catalog.internal.DashManifest;
import dev.keyframe.catalog.internal.MasterPlaylist;
import dev.keyframe.catalog.internal.Masters;
import dev.keyframe.catalog.internal.Rendition;
import dev.keyframe.catalog.internal.Renditions;
import dev.keyframe.catalog.internal.TextTrack;
import dev.keyframe.catalog.internal.AudioTracks;
import dev.keyframe.catalog.internal.TextTracks;
import dev.keyframe.platform.Conflict;
import dev.keyframe.platform.Invalid;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.MediaTypes;
import dev.keyframe.platform.ObjectStorage;

/**
 * The catalog's use cases: assets come into being with their upload, learn what they contain, gain renditions
 * as they are published, and go.
 */
@Service
@Transactional
public class AssetManagement implements AssetLookup {

	private final Assets assets;

	private final Renditions renditions;

	private final ObjectStorage storage;

	private final ApplicationEventPublisher events;

	private final ObjectProvider<TranscodeWork> work;

	private final MediaLinks links;

	private final Masters masters;

	private final TextTracks texts;

	private final AlternateAudio alternateAudio;

	private final AudioTracks audioTracks;

	private final Clock clock;

	AssetManagement(Assets assets, Renditions renditions, ObjectStorage storage, ApplicationEventPublisher events,
			ObjectProvider<TranscodeWork> work, MediaLinks links, Masters masters, TextTracks texts,
			AlternateAudio alternateAudio, AudioTracks audioTracks, Optional<Clock> clock) {
		this.alternateAudio = alternateAudio;
		this.audioTracks = audioTracks;
		this.links = links;
		this.masters = masters;
		this.texts = texts;
		this.assets = assets;
		this.renditions = renditions;
		this.storage = storage;
		this.events = events;
		this.work = work;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/** Registers the asset an upload is about to create; its source will live at {@link AssetKeys#source}. */
	public AssetId create(NewAsset asset) {
		AssetId id = AssetId.random();
		Asset created = new Asset(id.value(), asset.title(), asset.originalFilename(), asset.contentType(), asset.size(),
				AssetKeys.source(id), clock.instant());
		created.startedBy(asset.createdBy());
		assets.save(created);
		return id;
	}

	/**
	 * Registers the asset a live session plays through: its renditions are published as the transcoder makes
	 * them, its status is PLAYABLE once they are ({@link #liveStarted}), and READY when the stream ends.
	 */
	public AssetId createLive(String title, String filename) {
		AssetId id = AssetId.random();
		Asset asset = new Asset(id.value(), title, filename, MediaTypes.HLS_PLAYLIST, 0, AssetKeys.source(id),
				clock.instant());
		asset.liveStream();
		asset.sourceDeleted(clock.instant()); // a stream has no source to keep or delete
		assets.save(asset);
		return id;
	}

	/** A live asset's first renditions are published: it plays. */
	public void liveStarted(AssetId id) {
		assets.lockById(id.value()).ifPresent(asset -> asset.live(null, clock.instant()));
	}

	/** A live asset's stream ended: its playlists are closed. */
	public void liveEnded(AssetId id, String note) {
		assets.lockById(id.value())
			.ifPresent(asset -> asset.liveEnded(!renditions.findByAssetId(id.value()).isEmpty(), note, clock.instant()));
	}

	/** Registers an upload-less asset whose source the caller stores (a live recording), marked as a recording. */
	public AssetId createRecording(NewAsset asset) {
		AssetId id = create(asset);
		assets.findById(id.value()).orElseThrow().recordedLive();
		return id;
	}

	/** The source is complete and readable as media: renditions are to be made (see {@link AssetUploaded}). */
	public void uploaded(AssetId id, MediaInfo media) {
		Asset asset = load(id);
		asset.uploaded(media, clock.instant());
		alternateAudio.recordSource(asset, media);
		events.publishEvent(new AssetUploaded(id, asset.sourceKey(), media));
	}

	/** The upload could not become a playable asset, for a reason a person can act on. */
	public void failed(AssetId id, String reason) {
		assets.lockById(id.value()).ifPresent(asset -> asset.failed(reason, clock.instant()));
	}

	/**
	 * Publishes a rendition whose objects are all stored: unless {@code check} finds a problem with it next to the
	 * asset's published renditions, it is recorded and the master playlist is rewritten from every published
	 * rendition. Writers of one asset are serialised on the asset's row, so each check sees every earlier
	 * publication.
	 * @return the problem, when the rendition was not published
	 */
	public Optional<String> publishRendition(AssetId id, RenditionSpec spec, RenditionCheck check) {
		return publish(id, spec, check).map(Published::problem).orElse(Optional.of("The asset was deleted."));
	}

	/**
	 * Transcode published a rendition (it checked the fit under its own lock on the asset): recorded, listed, and
	 * the asset playable from the first time its master playlist lists something.
	 */
	@EventListener
	void on(RenditionPublished event) {
		publish(event.asset(), event.rendition(), (candidate, published) -> Optional.empty())
			.filter(published -> published.listed())
			.ifPresent(published -> published.asset().renditionListed(clock.instant()));
	}

	/** What one publication did: empty if the asset is gone (its rendition's objects went too). */
	private record Published(Asset asset, Optional<String> problem, boolean listed) {
	}

	private Optional<Published> publish(AssetId id, RenditionSpec spec, RenditionCheck check) {
		Optional<Asset> asset = assets.lockById(id.value());
		if (asset.isEmpty()) {
			storage.deletePrefix(AssetKeys.renditionPrefix(id, spec.profile()));
			return Optional.empty();
		}
		List<RenditionSpec> others = renditions.findByAssetId(id.value())
			.stream()
			.map(Rendition::spec)
			.filter(r -> !r.profile().equals(spec.profile()))
			.toList();
		Optional<String> problem = check.problemWith(spec, others);
		if (problem.isPresent()) {
			// its objects stay: the chunks that were right are kept for a retry, and go with the asset
			return Optional.of(new Published(asset.get(), problem, false));
		}
		renditions.findByAssetIdAndProfile(id.value(), spec.profile())
			.ifPresentOrElse(existing -> existing.update(spec, clock.instant()),
					() -> renditions.save(new Rendition(id.value(), spec, clock.instant())));
		renditions.flush();
		List<RenditionSpec> listed = MasterPlaylist.listed(
				renditions.findByAssetId(id.value()).stream().map(Rendition::spec).toList(), videoSource(asset.get()));
		if (!listed.isEmpty()) {
			masters.write(id, listed);
		}
		return Optional.of(new Published(asset.get(), Optional.empty(), !listed.isEmpty()));
	}

	/** Recomputes the asset's status from its jobs. */
	@EventListener
	void on(TranscodeProgressed event) {
		assets.lockById(event.asset().value()).ifPresent(asset -> {
			AssetStatus before = asset.status();
			asset.transcodeProgressed(event.jobs(), playable(asset), clock.instant());
			if (before != AssetStatus.READY && asset.wantsDownload()) {
				// made at transcode time: the asset's downloads were turned on before it was ready
				events.publishEvent(new DownloadWanted(event.asset()));
			}
		});
	}

	/** Whether the asset's master playlist lists anything: a player can start. */
	private boolean playable(Asset asset) {
		return !MasterPlaylist
			.listed(renditions.findByAssetId(asset.id()).stream().map(Rendition::spec).toList(), videoSource(asset))
			.isEmpty();
	}

	/** The source has a picture (a live stream's asset is probed by its transcoder, not here). */
	static boolean videoSource(Asset asset) {
		return asset.width() != null;
	}

	/** Records the poster; if the asset is gone meanwhile, the poster object goes too. */
	@EventListener
	void on(PosterStored event) {
		assets.lockById(event.asset().value())
			.ifPresentOrElse(asset -> asset.posterStored(event.key(), clock.instant()), () -> storage.delete(event.key()));
	}

	@Override
	@Transactional(readOnly = true)
	public Optional<AssetSource> source(AssetId id) {
		return assets.findById(id.value())
			.filter(asset -> asset.durationMs() != null && blocker(asset).isEmpty())
			.map(asset -> {
			MediaInfo.Video video = asset.width() == null || asset.height() == null ? null
					: new MediaInfo.Video(asset.width(), asset.height(), String.valueOf(asset.videoCodec()),
							String.valueOf(asset.frameRate()), fps(asset.frameRate()),
							asset.fieldOrder() == null ? MediaInfo.Video.PROGRESSIVE : asset.fieldOrder());
			MediaInfo.Audio audio = asset.audioCodec() == null ? null
					: new MediaInfo.Audio(asset.audioCodec(), asset.audioChannels() == null ? 2 : asset.audioChannels(), 0);
			List<MediaInfo.AudioTrack> tracks = audioTracks.findByAssetIdOrderByStreamIndexAsc(asset.id())
				.stream()
				.map(a -> new MediaInfo.AudioTrack(a.streamIndex(), a.codec(), a.channels(), a.language(), a.name(),
						a.isDefault()))
				.toList();
			return new AssetSource(asset.sourceKey(), new MediaInfo(asset.durationMs(), String.valueOf(asset.formatName()),
					asset.bitrate() == null ? 0 : asset.bitrate(), video, audio, tracks));
		});
	}

	private static double fps(@Nullable String fraction) {
		return fraction == null ? 0 : MediaInfo.Video.fps(fraction);
	}

	@Override
	@Transactional(readOnly = true)
	public boolean exists(AssetId id) {
		return assets.existsById(id.value());
	}

	@Override
	@Transactional(readOnly = true)
	public List<RenditionSpec> renditions(AssetId id) {
		return renditions.findByAssetId(id.value()).stream().map(Rendition::spec).toList();
	}

	@Transactional(readOnly = true)
	public Optional<AssetView> find(AssetId id) {
		return assets.findById(id.value()).map(asset -> view(asset, true));
	}

	/**
	 * The asset as {@code editor} may see it: someone else's unfinished upload is not there for them. {@code null}
	 * stands for an admin, who sees every asset.
	 */
	@Transactional(readOnly = true)
	public Optional<AssetView> find(AssetId id, @Nullable String editor) {
		return assets.findById(id.value())
			.filter(asset -> !asset.unfinishedUploadOfAnotherThan(editor))
			.map(asset -> view(asset, true));
	}

	/** The asset without its transcode jobs: what the player page and playback grants need, one query fewer. */
	@Transactional(readOnly = true)
	public Optional<AssetView> summary(AssetId id) {
		return assets.findById(id.value()).map(asset -> view(asset, false));
	}

	/** Newest first, optionally only those in one status. */
	@Transactional(readOnly = true)
	public Page<AssetView> list(@Nullable AssetStatus status, Pageable page) {
		return list(status, null, page);
	}

	/** Newest first, optionally only those in one status and whose title contains {@code title}. */
	@Transactional(readOnly = true)
	public Page<AssetView> list(@Nullable AssetStatus status, @Nullable String title, Pageable page) {
		return list(status, title, page, null);
	}

	/**
	 * Newest first, optionally only those in one status and whose title contains {@code title}, as {@code editor}
	 * may see them: without other people's unfinished uploads. {@code null} stands for an admin, who sees all.
	 */
	@Transactional(readOnly = true)
	public Page<AssetView> list(@Nullable AssetStatus status, @Nullable String title, Pageable page,
			@Nullable String editor) {
		String search = title == null || title.isBlank() ? null : title.strip().toLowerCase(java.util.Locale.ROOT);
		org.springframework.data.jpa.domain.Specification<Asset> spec = (root, query, cb) -> {
			List<jakarta.persistence.criteria.Predicate> where = new java.util.ArrayList<>();
			if (status != null) {
				where.add(cb.equal(root.get("status"), status));
			}
			if (search != null) {
				String escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
				where.add(cb.like(cb.lower(root.get("title")), "%" + escaped + "%", '\\'));
			}
			if (editor != null) {
				where.add(cb.or(cb.notEqual(root.get("status"), AssetStatus.UPLOADING), cb.isNull(root.get("createdBy")),
						cb.equal(root.get("createdBy"), editor)));
			}
			return cb.and(where.toArray(jakarta.persistence.criteria.Predicate[]::new));
		};
		Pageable newestFirst = org.springframework.data.domain.PageRequest.of(page.getPageNumber(), page.getPageSize(),
				org.springframework.data.domain.Sort.by(org.springframework.data.domain.Sort.Direction.DESC, "createdAt"));
		return assets.findAll(spec, newestFirst).map(asset -> view(asset, false));
	}

	/** What a viewer can watch: assets with at least one published rendition, visible to them. */
	@Transactional(readOnly = true)
	public Page<AssetView> playable(java.util.Collection<Visibility> visibleTo, Pageable page) {
		return assets
			.findByStatusInAndVisibilityInOrderByCreatedAtDesc(List.of(AssetStatus.PLAYABLE, AssetStatus.READY),
					visibleTo, page)
			.map(asset -> view(asset, false));
	}

	/** Notes that a player was given the asset now; at most one write an hour per asset. */
	public void played(AssetId id) {
		Instant now = clock.instant();
		assets.played(id.value(), now, now.minus(java.time.Duration.ofHours(1)));
	}

	/** Changes what people see of the asset: its title and description, and who may watch it. */
	public AssetView describe(AssetId id, String title, @Nullable String description, Visibility visibility) {
		return describe(id, title, description, visibility, null);
	}

	/**
	 * Changes the asset's title, description, visibility and, unless {@code tags} is null, its tags (what
	 * retention rules can be scoped to): lower case letters, digits, {@code -} and {@code _}, at most 20.
	 */
	public AssetView describe(AssetId id, String title, @Nullable String description, Visibility visibility,
			java.util.@Nullable Collection<String> tags) {
		List<String> cleanTags = tags == null ? null : tags(tags);
		String cleanTitle = title == null ? "" : title.replaceAll("[\\p{Cntrl}\\u202A-\\u202E]", "").strip();
		if (cleanTitle.isEmpty() || cleanTitle.length() > 300) {
			throw new Invalid("A title is 1 to 300 characters.");
		}
		String cleanDescription = description == null ? null
				: description.replaceAll("[\\u202A-\\u202E]", "").strip();
		if (cleanDescription != null && cleanDescription.length() > 5000) {
			throw new Invalid("A description is at most 5000 characters.");
		}
		Asset asset = assets.lockById(id.value()).orElseThrow(() -> new AssetNotFound(id));
		asset.describe(cleanTitle, cleanDescription == null || cleanDescription.isEmpty() ? null : cleanDescription,
				clock.instant());
		asset.show(visibility, clock.instant());
		if (cleanTags != null) {
			asset.tag(cleanTags, clock.instant());
		}
		return view(asset, true);
	}

	private static List<String> tags(java.util.Collection<String> tags) {
		List<String> clean = tags.stream()
			.flatMap(t -> java.util.Arrays.stream(t.split(",")))
			.map(t -> t.strip().toLowerCase(java.util.Locale.ROOT))
			.filter(t -> !t.isEmpty())
			.distinct()
			.sorted()
			.toList();
		for (String tag : clean) {
			if (!tag.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
				throw new Invalid("\u201C" + tag.replaceAll("\\p{Cntrl}", "?")
						+ "\u201D is not a tag: use letters, digits, - and _ (up to 64).");
			}
		}
		if (clean.size() > 20) {
			throw new Invalid("An asset has at most 20 tags.");
		}
		return clean;
	}

	@Override
	@Transactional(readOnly = true)
	public Optional<String> transcodeBlocker(AssetId id) {
		return assets.findById(id.value()).flatMap(AssetManagement::blocker);
	}

	static Optional<String> blocker(Asset asset) {
		if (asset.status() == AssetStatus.REMOVED) {
			return Optional.of("The asset was removed by a retention rule.");
		}
		if (asset.sourceDeletedAt() != null) {
			return Optional.of("The source file was deleted by a retention rule on "
					+ java.time.format.DateTimeFormatter.ISO_LOCAL_DATE.format(asset.sourceDeletedAt().atZone(java.time.ZoneOffset.UTC))
					+ ". The renditions still play, but it cannot be transcoded again; upload the file again to make new renditions.");
		}
		if (ARCHIVED.contains(asset.sourceStorageClass())) {
			return Optional.of("The source file is in " + asset.sourceStorageClass()
					+ " storage, which must be restored before it can be read. Restore it (S3 RestoreObject) to transcode again.");
		}
		return Optional.empty();
	}

	/** Storage classes whose objects must be restored before they can be read. */
	private static final java.util.Set<String> ARCHIVED = java.util.Set.of("GLACIER", "DEEP_ARCHIVE");

	/**
	 * Deletes the asset, its source and every rendition object, unless it is on legal hold or was removed by a
	 * retention rule (its row stays as the record). A worker still encoding it finds it gone when it
	 * publishes and removes what it stored.
	 */
	public void delete(AssetId id) {
		delete(id, null);
	}

	/**
	 * Deletes the asset as {@link #delete(AssetId)} does, for {@code editor}: someone else's unfinished upload is
	 * not there for them. {@code null} stands for an admin.
	 */
	public void delete(AssetId id, @Nullable String editor) {
		Asset asset = assets.lockById(id.value())
			.filter(found -> !found.unfinishedUploadOfAnotherThan(editor))
			.orElseThrow(() -> new AssetNotFound(id));
		if (asset.holdReason() != null) {
			throw new Conflict("This asset is on legal hold (" + asset.holdReason()
					+ ") and cannot be deleted. An admin must release the hold first.");
		}
		if (asset.status() == AssetStatus.REMOVED) {
			// its files are gone (or going, with the next run's purge): the row is what records that it was there
			throw new Conflict("This asset was removed by a retention rule: its files are gone, "
					+ "and it stays listed as the record of what was there.");
		}
		storage.deletePrefix(AssetKeys.mediaPrefix(id));
		storage.deletePrefix(asset.sourceKey());
		renditions.deleteAll(renditions.findByAssetId(id.value()));
		texts.deleteAll(texts.findByAssetIdOrderByLanguageAscKindAsc(id.value()));
		alternateAudio.forget(id);
		assets.delete(asset);
		events.publishEvent(new AssetDeleted(id));
	}

	private Asset load(AssetId id) {
		return assets.findById(id.value()).orElseThrow(() -> new AssetNotFound(id));
	}

	private AssetView view(Asset asset, boolean withDetails) {
		AssetId id = new AssetId(asset.id());
		List<RenditionSpec> published = renditions.findByAssetId(asset.id())
			.stream()
			.map(Rendition::spec)
			.sorted(Comparator.comparingLong(RenditionSpec::bandwidth).reversed())
			.toList();
		List<TranscodeWork.JobView> jobs = withDetails
				? work.getIfAvailable(() -> NO_WORK).jobsFor(id) : List.of();
		List<RenditionSpec> listed = MasterPlaylist.listed(published, videoSource(asset));
		return new AssetView(id.toString(), asset.title(), asset.description(), asset.originalFilename(),
				asset.declaredSize(), asset.status(), asset.statusReason(), asset.durationMs(), asset.formatName(),
				asset.bitrate(), asset.width(), asset.height(), asset.videoCodec(), asset.frameRate(),
				asset.audioCodec(), asset.visibility(),
				listed.isEmpty() ? null : "/api/playback/" + id,
				asset.posterKey() == null ? null : links.objectUrl(asset.posterKey()), asset.lastPlayedAt(),
				asset.createdAt(),
				asset.updatedAt(), asset.firstPlayableAt(), published.stream().map(AssetView.RenditionView::of).toList(), jobs,
				new AssetView.Keeping(asset.tags(), asset.origin(), asset.readyAt(), asset.sourceStorageClass(),
						asset.sourceDeletedAt(), asset.holdReason(), asset.holdBy(), asset.holdAt(), asset.removedAt(),
						blocker(asset).orElse(null)),
				withDetails ? texts.findByAssetIdOrderByLanguageAscKindAsc(asset.id()).stream().map(TextTrack::view).toList()
						: List.of(),
				withDetails ? alternateAudio.views(asset.id()) : List.of(), DownloadView.of(asset), asset.downloadKey(),
				DashManifest.offers(listed) ? AssetKeys.dash(id) : null);
	}

	private static final TranscodeWork NO_WORK = new TranscodeWork() {

		@Override
		public List<JobView> jobsFor(AssetId asset) {
			return List.of();
		}

		@Override
		public int retryFailed(AssetId asset) {
			return 0;
		}

		@Override
		public java.util.Map<AssetId, Double> progress(java.util.Collection<AssetId> assets) {
			return java.util.Map.of();
		}

	};

}
