package dev.keyframe.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.keyframe.catalog.internal.Asset;
import dev.keyframe.catalog.internal.Assets;
import dev.keyframe.catalog.internal.CueFile;
import dev.keyframe.catalog.internal.Languages;
import dev.keyframe.catalog.internal.MasterPlaylist;
import dev.keyframe.catalog.internal.Masters;
import dev.keyframe.catalog.internal.Rendition;
import dev.keyframe.catalog.internal.Renditions;
import dev.keyframe.catalog.internal.TextTrack;
import dev.keyframe.catalog.internal.TextTracks;
import dev.keyframe.platform.Conflict;
import dev.keyframe.platform.Invalid;
import dev.keyframe.platform.MediaProbe;
import dev.keyframe.platform.MediaProbeException;
import dev.keyframe.platform.MediaTypes;
import dev.keyframe.platform.NotFound;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.platform.Packaging;

/**
 * Captions and subtitles: text tracks editors add to an asset, replace or remove, without touching its video. A
 * file (WebVTT or SubRip) is read in full before anything changes, and refused with the line that is wrong; what is
 * read is stored as a segmented WebVTT playlist under a prefix of the track's revision, and the master playlist lists
 * it in its {@code SUBTITLES} group. A replaced revision's objects go once the new one is committed.
 */
@Service
@Transactional
public class Captions {

	/** The largest file taken: a feature film's subtitles are 50 to 150 KiB. */
	public static final int MAX_BYTES = 4 * 1024 * 1024;

	/** How long each WebVTT segment is: a film of two hours has 240. */
	static final long SEGMENT_MS = 30_000;


	/** How far past the asset's end a cue may start (a probed duration can be a little short). */
	private static final long END_SLACK_MS = 1_000;

	private final Assets assets;

	private final Renditions renditions;

	private final TextTracks texts;

	private final Masters masters;

	private final ObjectStorage storage;

	private final MediaProbe probe;

	private final Clock clock;

	Captions(Assets assets, Renditions renditions, TextTracks texts, Masters masters, ObjectStorage storage,
			MediaProbe probe, Optional<Clock> clock) {
		this.assets = assets;
		this.renditions = renditions;
		this.texts = texts;
		this.masters = masters;
		this.storage = storage;
		this.probe = probe;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/**
	 * A track to add.
	 * @param name what players show; null or blank: the language's own name ({@code Español})
	 */
	public record NewTextTrack(String language, @Nullable String name, TextTrackKind kind, boolean isDefault) {
	}

	/** The asset's text tracks, by language. */
	@Transactional(readOnly = true)
	public List<TextTrackView> list(AssetId id) {
		return texts.findByAssetIdOrderByLanguageAscKindAsc(id.value()).stream().map(TextTrack::view).toList();
	}

	/**
	 * Adds a track from a cue file.
	 * @param editor who asks: someone else's unfinished upload is not there for them; null for an admin
	 * @throws Invalid for a file that cannot be read (with the line), a bad language or name
	 * @throws Conflict when the asset cannot take text tracks now, or has one of that language and kind
	 */
	public TextTrackView add(AssetId id, NewTextTrack track, byte[] file, @Nullable String editor) {
		String language = language(track.language());
		String name = name(track.name(), language, track.kind());
		CueFile cues = CueFile.parse(file);
		Asset asset = lock(id, editor);
		if (texts.findByAssetIdAndLanguageAndKind(id.value(), language, track.kind()).isPresent()) {
			throw new Conflict("This asset already has " + kindLabel(track.kind()) + " in " + language
					+ ": replace that track's file, or remove it first.");
		}
		return add(id, asset, language, name, track, cues, TextTrack.Origin.UPLOADED);
	}

	/**
	 * Adds a track the source file holds (extracted as WebVTT), unless the asset has one of that language and kind
	 * already (an editor's upload, or another stream of the file): then nothing changes.
	 * @throws Invalid when the extracted cues cannot be read
	 */
	public Optional<TextTrackView> addEmbedded(AssetId id, String language, @Nullable String name, TextTrackKind kind,
			byte[] webVtt) {
		String clean = language(language);
		String cleanName = name(name, clean, kind);
		CueFile cues = CueFile.parse(webVtt);
		Asset asset = lock(id, null);
		if (texts.findByAssetIdAndLanguageAndKind(id.value(), clean, kind).isPresent()) {
			return Optional.empty();
		}
		return Optional.of(add(id, asset, clean, cleanName, new NewTextTrack(clean, cleanName, kind, false), cues,
				TextTrack.Origin.EMBEDDED));
	}

	private TextTrackView add(AssetId id, Asset asset, String language, String name, NewTextTrack track, CueFile cues,
			TextTrack.Origin origin) {
		List<RenditionSpec> listed = playing(asset);
		fits(cues, asset);
		TextTrack created = new TextTrack(id.value(), language, name, track.kind(), origin, clock.instant());
		store(id, created, 1, cues, listed, asset);
		created.describe(language, name, track.kind(), track.isDefault(), clock.instant());
		if (track.isDefault()) {
			onlyDefault(id, created);
		}
		texts.save(created);
		texts.flush();
		masters.write(id, listed);
		return created.view();
	}

	/** Replaces a track's file: its cues change, its name, language and place in the menu do not. */
	public TextTrackView replace(AssetId id, UUID trackId, byte[] file, @Nullable String editor) {
		CueFile cues = CueFile.parse(file);
		Asset asset = lock(id, editor);
		List<RenditionSpec> listed = playing(asset);
		fits(cues, asset);
		TextTrack track = texts.findByIdAndAssetId(trackId, id.value()).orElseThrow(() -> notFound(trackId));
		String old = track.prefix(AssetKeys.mediaPrefix(id), track.revision());
		store(id, track, track.revision() + 1, cues, listed, asset);
		texts.flush();
		masters.write(id, listed);
		afterCommit(() -> storage.deletePrefix(old));
		return track.view();
	}

	/**
	 * Changes what a track is called, its language or kind, and whether players show it by default; a field left
	 * out (null) keeps its value.
	 */
	public TextTrackView describe(AssetId id, UUID trackId, @Nullable String language, @Nullable String name,
			@Nullable TextTrackKind kind, @Nullable Boolean isDefault, @Nullable String editor) {
		Asset asset = lock(id, editor);
		TextTrack track = texts.findByIdAndAssetId(trackId, id.value()).orElseThrow(() -> notFound(trackId));
		String cleanLanguage = language(language != null ? language : track.language());
		TextTrackKind cleanKind = kind != null ? kind : track.kind();
		String cleanName = name(name != null ? name : track.name(), cleanLanguage, cleanKind);
		boolean shown = isDefault != null ? isDefault : track.isDefault();
		texts.findByAssetIdAndLanguageAndKind(id.value(), cleanLanguage, cleanKind)
			.filter(other -> !other.id().equals(track.id()))
			.ifPresent(other -> {
				throw new Conflict("This asset already has " + kindLabel(cleanKind) + " in " + cleanLanguage + ".");
			});
		track.describe(cleanLanguage, cleanName, cleanKind, shown, clock.instant());
		if (shown) {
			onlyDefault(id, track);
		}
		texts.flush();
		rewriteMaster(id, asset);
		return track.view();
	}

	/** Removes a track: players stop listing it with their next master playlist, and its objects go. */
	public void remove(AssetId id, UUID trackId, @Nullable String editor) {
		Asset asset = lock(id, editor);
		TextTrack track = texts.findByIdAndAssetId(trackId, id.value()).orElseThrow(() -> notFound(trackId));
		String prefix = track.prefix(AssetKeys.mediaPrefix(id), track.revision());
		texts.delete(track);
		texts.flush();
		rewriteMaster(id, asset);
		afterCommit(() -> storage.deletePrefix(prefix));
	}

	private Asset lock(AssetId id, @Nullable String editor) {
		return assets.lockById(id.value())
			.filter(asset -> !asset.unfinishedUploadOfAnotherThan(editor))
			.orElseThrow(() -> new AssetNotFound(id));
	}

	/** What the asset's master lists: it must list something, so that the cues' clock is known. */
	private List<RenditionSpec> playing(Asset asset) {
		if (asset.status() == AssetStatus.REMOVED) {
			throw new Conflict("This asset was removed by a retention rule: it has nothing left to caption.");
		}
		if (asset.origin() == AssetOrigin.LIVE_STREAM) {
			throw new Conflict("A live stream's captions come in its feed (CEA-608). Add text tracks to its recording.");
		}
		List<RenditionSpec> listed = listed(asset);
		if (listed.isEmpty()) {
			throw new Conflict("Text tracks can be added once the asset plays: its first rendition is not published yet. "
					+ "Try again in a moment.");
		}
		return listed;
	}

	private void rewriteMaster(AssetId id, Asset asset) {
		List<RenditionSpec> listed = listed(asset);
		if (!listed.isEmpty()) {
			masters.write(id, listed);
		}
	}

	/** What the asset's master lists now. */
	private List<RenditionSpec> listed(Asset asset) {
		return MasterPlaylist.listed(renditions.findByAssetId(asset.id()).stream().map(Rendition::spec).toList(),
				AssetManagement.videoSource(asset));
	}

	/** A cue that starts after the asset ends is from another file: refused, with its line. */
	private static void fits(CueFile cues, Asset asset) {
		if (asset.durationMs() == null) {
			return;
		}
		long end = asset.durationMs();
		cues.cues()
			.stream()
			.filter(cue -> cue.startMs() > end + END_SLACK_MS)
			.findFirst()
			.ifPresent(cue -> {
				throw new Invalid("Line " + cue.line() + ": the cue starts at " + CueFile.timestamp(cue.startMs())
						+ ", after the video ends (" + CueFile.timestamp(end) + "). Is this the file for another video?");
			});
	}

	/**
	 * Stores revision {@code revision} of the track's cues: the WebVTT segments (in parallel), the whole file, then
	 * the playlist that lists them, so the playlist never names a segment that is not there.
	 */
	private void store(AssetId id, TextTrack track, int revision, CueFile cues, List<RenditionSpec> listed,
			Asset asset) {
		String prefix = track.prefix(AssetKeys.mediaPrefix(id), revision);
		long origin = mpegtsOrigin(listed);
		long duration = Math.max(1, asset.durationMs() == null ? cues.endMs() : asset.durationMs());
		int count = (int) Math.max(1, (duration + SEGMENT_MS - 1) / SEGMENT_MS);
		List<Double> durations = new ArrayList<>(count);
		try (ExecutorService uploads = Executors.newVirtualThreadPerTaskExecutor()) {
			Semaphore slots = new Semaphore(8);
			List<Future<?>> pending = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				long from = i * SEGMENT_MS;
				boolean last = i == count - 1;
				long to = last ? Long.MAX_VALUE : from + SEGMENT_MS;
				durations.add(((last ? duration : to) - from) / 1000.0);
				byte[] segment = cues.segment(origin, from, to).getBytes(StandardCharsets.UTF_8);
				String key = prefix + segmentName(i);
				pending.add(uploads.submit(() -> {
					slots.acquire();
					try {
						storage.put(key, segment, MediaTypes.WEBVTT, ObjectStorage.IMMUTABLE);
					}
					finally {
						slots.release();
					}
					return null;
				}));
			}
			for (Future<?> upload : pending) {
				upload.get();
			}
		}
		catch (ExecutionException ex) {
			storage.deletePrefix(prefix);
			throw new IllegalStateException("Storing the text track failed: " + ex.getCause().getMessage(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			storage.deletePrefix(prefix);
			throw new IllegalStateException("Interrupted while storing the text track", ex);
		}
		String fileKey = prefix + "captions.vtt";
		storage.put(fileKey, cues.webVtt().getBytes(StandardCharsets.UTF_8), MediaTypes.WEBVTT, ObjectStorage.IMMUTABLE);
		String playlistKey = prefix + "index.m3u8";
		storage.put(playlistKey, playlist(durations).getBytes(StandardCharsets.UTF_8), MediaTypes.HLS_PLAYLIST,
				ObjectStorage.SHORT_LIVED);
		track.stored(revision, cues.cues().size(), cues.endMs(), playlistKey, fileKey, origin, clock.instant());
	}

	static String segmentName(int number) {
		return String.format(Locale.ROOT, "seg_%05d.vtt", number);
	}

	/** A VOD playlist of the WebVTT segments. */
	static String playlist(List<Double> durations) {
		long target = durations.stream().mapToLong(d -> (long) Math.ceil(d)).max().orElse(1);
		StringBuilder out = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:").append(target)
			.append("\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n");
		for (int i = 0; i < durations.size(); i++) {
			out.append(String.format(Locale.ROOT, "#EXTINF:%.3f,\n", durations.get(i))).append(segmentName(i)).append('\n');
		}
		return out.append("#EXT-X-ENDLIST\n").toString();
	}

	/**
	 * Where media time 0 is on the 90 kHz clock of the asset's segments: the first segment of the lowest listed video
	 * rendition (of the audio one, for an asset without picture) starts there. Cue times are mapped onto it
	 * ({@code X-TIMESTAMP-MAP}), as players place the segments' own timestamps.
	 */
	private long mpegtsOrigin(List<RenditionSpec> listed) {
		RenditionSpec first = listed.stream()
			.sorted(java.util.Comparator.comparing((RenditionSpec r) -> r.kind() == RenditionKind.VIDEO ? 0 : 1)
				.thenComparingLong(RenditionSpec::bandwidth))
			.findFirst()
			.orElseThrow();
		String playlistKey = first.playlistKey();
		String playlist;
		try (InputStream in = storage.open(playlistKey, null).orElseThrow(
				() -> new IllegalStateException("The playlist " + playlistKey + " is not in storage"))) {
			playlist = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Reading " + playlistKey + " failed: " + ex.getMessage(), ex);
		}
		String segment = playlist.lines()
			.map(String::strip)
			.filter(line -> !line.isEmpty() && !line.startsWith("#"))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The playlist " + playlistKey + " lists no segment"));
		String folder = playlistKey.substring(0, playlistKey.lastIndexOf('/') + 1);
		String init = Packaging.initUri(playlist);
		String key = folder + segment;
		try {
			// a CMAF segment is read after its init segment; its timestamps are on the same 90 kHz-mappable clock
			return Math.round(probe.startSeconds(Packaging.readable(storage.presignGet(key, Duration.ofMinutes(5)),
					init == null ? null : storage.presignGet(folder + init, Duration.ofMinutes(5)))) * 90_000);
		}
		catch (MediaProbeException ex) {
			throw new IllegalStateException("The first segment " + key + " could not be read: " + ex.getMessage(), ex);
		}
	}

	private void onlyDefault(AssetId id, TextTrack track) {
		texts.findByAssetIdOrderByLanguageAscKindAsc(id.value())
			.stream()
			.filter(other -> !other.id().equals(track.id()))
			.forEach(other -> other.notDefault(clock.instant()));
	}

	private static String language(@Nullable String raw) {
		return Languages.typed(raw);
	}

	private static String name(@Nullable String raw, String language, TextTrackKind kind) {
		String value = Languages.cleanName(raw);
		if (value.isEmpty() && language.equals(Languages.UNDETERMINED)) {
			value = kind == TextTrackKind.CAPTIONS ? "Captions" : "Subtitles";
		}
		if (value.isEmpty()) {
			String own = Languages.ownName(language);
			value = (own == null ? language : own) + (kind == TextTrackKind.CAPTIONS ? " (CC)" : "");
		}
		return value;
	}

	private static String kindLabel(TextTrackKind kind) {
		return kind == TextTrackKind.CAPTIONS ? "captions" : "subtitles";
	}

	private static NotFound notFound(UUID track) {
		return new NotFound("No text track " + track + " on this asset.");
	}

	/** Runs {@code action} once the current transaction commits (at once outside one): storage follows the rows. */
	static void afterCommit(Runnable action) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					action.run();
				}
			});
		}
		else {
			action.run();
		}
	}

}
