package dev.keyframe.catalog;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.keyframe.catalog.internal.Asset;
import dev.keyframe.catalog.internal.Assets;
import dev.keyframe.catalog.internal.MasterPlaylist;
import dev.keyframe.catalog.internal.Masters;
import dev.keyframe.catalog.internal.Rendition;
import dev.keyframe.catalog.internal.Renditions;
import dev.keyframe.catalog.internal.TextTracks;
import dev.keyframe.platform.MediaTypes;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.platform.ObjectStorage.Listed;

/**
 * What retention may do to assets, and nothing more: list them with the facts rules look at, and carry out one
 * action on one asset. Every action re-checks, under the asset's row lock, that the asset may be touched (no legal
 * hold, no transcode job queued or running, no upload open) and does nothing if the action is already done, so
 * running it twice, or again after a crash halfway, ends in the same state as running it once.
 */
@Service
public class AssetRetention {

	private final Assets assets;

	private final Renditions renditions;

	private final ObjectStorage storage;

	private final ObjectProvider<TranscodeWork> work;

	private final TransactionTemplate tx;

	private final Masters masters;

	private final TextTracks texts;

	private final AlternateAudio alternateAudio;

	private final Clock clock;

	AssetRetention(Assets assets, Renditions renditions, ObjectStorage storage, ObjectProvider<TranscodeWork> work,
			PlatformTransactionManager transactions, Masters masters, TextTracks texts, AlternateAudio alternateAudio,
			Optional<Clock> clock) {
		this.alternateAudio = alternateAudio;
		this.masters = masters;
		this.texts = texts;
		this.assets = assets;
		this.renditions = renditions;
		this.storage = storage;
		this.work = work;
		this.tx = new TransactionTemplate(transactions);
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/** Up to {@code limit} assets in id order after {@code after} (null: from the start), removed-and-gone left out. */
	public List<Candidate> candidates(@Nullable UUID after, int limit) {
		return tx.execute(status -> {
			List<Asset> page = assets.retentionPage(after == null ? new UUID(0, 0) : after,
					PageRequest.of(0, limit));
			Map<UUID, List<RenditionSpec>> published = renditions
				.findByAssetIdIn(page.stream().map(Asset::id).toList())
				.stream()
				.collect(Collectors.groupingBy(Rendition::assetId, Collectors.mapping(Rendition::spec, Collectors.toList())));
			return page.stream().map(a -> candidate(a, published.getOrDefault(a.id(), List.of()))).toList();
		});
	}

	/** The assets among {@code ids} with a transcode job queued or running. */
	public Set<AssetId> busy(Collection<AssetId> ids) {
		return ids.stream().filter(this::busy).collect(Collectors.toSet());
	}

	/** The objects an action on the asset's source would touch: empty once it is deleted. */
	public List<Listed> sourceObjects(AssetId id) {
		return storage.list(sourcePrefix(id));
	}

	/** Every object of the asset: its source, renditions, playlists and poster. */
	public List<Listed> allObjects(AssetId id) {
		List<Listed> all = new ArrayList<>(storage.list(AssetKeys.mediaPrefix(id)));
		all.addAll(storage.list(sourcePrefix(id)));
		return all;
	}

	/** The objects of the asset's renditions in {@code profiles}: what {@link #dropRenditions} would delete. */
	public List<Listed> renditionObjects(AssetId id, Collection<String> profiles) {
		return profiles.stream().flatMap(p -> storage.list(AssetKeys.renditionPrefix(id, p)).stream()).toList();
	}

	/** Deletes the source; the renditions keep playing, but the asset can no longer be transcoded. */
	public Outcome deleteSource(AssetId id) {
		return deleteSources(List.of(id), (asset, outcome) -> {
		}).get(id);
	}

	/**
	 * Deletes the sources of several assets with one S3 batch delete (per 1000 keys), in one transaction that
	 * locks their rows. {@code record} sees each asset's outcome inside that transaction, so a record of the
	 * action commits with it or not at all.
	 */
	public Map<AssetId, Outcome> deleteSources(List<AssetId> ids, java.util.function.BiConsumer<AssetId, Outcome> record) {
		return tx.execute(status -> {
			Map<AssetId, Outcome> outcomes = new java.util.LinkedHashMap<>();
			Map<AssetId, List<Listed>> deleting = new java.util.LinkedHashMap<>();
			for (AssetId id : ids.stream().sorted(Comparator.comparing(AssetId::value)).toList()) {
				Optional<Asset> locked = assets.lockById(id.value());
				Optional<String> refusal = refusal(locked, id)
					.or(() -> locked.get().sourceDeletedAt() != null ? Optional.of("The source is already deleted.")
							: Optional.empty());
				if (refusal.isPresent()) {
					outcomes.put(id, Outcome.skipped(refusal.get()));
				}
				else {
					deleting.put(id, storage.list(sourcePrefix(id)));
				}
			}
			Map<String, String> refused = storage.deleteEach(deleting.values()
				.stream()
				.flatMap(List::stream)
				.map(Listed::key)
				.toList());
			deleting.forEach((id, objects) -> {
				Optional<String> failure = objects.stream()
					.filter(o -> refused.containsKey(o.key()))
					.map(o -> "S3 refused to delete " + o.key() + ": " + refused.get(o.key()))
					.findFirst();
				if (failure.isPresent()) {
					outcomes.put(id, Outcome.failed(failure.get()));
				}
				else {
					assets.findById(id.value()).orElseThrow().sourceDeleted(clock.instant());
					outcomes.put(id, Outcome.done(objects));
				}
			});
			outcomes.forEach(record);
			return outcomes;
		});
	}

	/**
	 * Rewrites the source in a colder storage class. The copy runs outside any lock (a large source takes
	 * minutes); the class is recorded after it, and a source deleted meanwhile is deleted again.
	 */
	public Outcome moveSource(AssetId id, String storageClass, long copyPartSize, Consumer<Outcome> record) {
		Optional<String> refusal = tx.execute(status -> {
			Optional<Asset> asset = assets.lockById(id.value());
			return refusal(asset, id).or(() -> asset.get().sourceDeletedAt() != null
					? Optional.of("The source is already deleted.")
					: asset.get().sourceStorageClass().equals(storageClass)
							? Optional.of("The source is already in " + storageClass + ".") : Optional.empty());
		});
		if (refusal.isPresent()) {
			return recorded(Outcome.skipped(refusal.get()), record);
		}
		String key = AssetKeys.source(id);
		List<Listed> objects = storage.list(sourcePrefix(id));
		if (objects.stream().noneMatch(o -> o.key().equals(key))) {
			return recorded(Outcome.skipped("The source object is missing."), record);
		}
		storage.changeStorageClass(key, storageClass, copyPartSize);
		return tx.execute(status -> {
			Optional<Asset> asset = assets.lockById(id.value());
			if (asset.isEmpty() || asset.get().sourceDeletedAt() != null) {
				storage.deleteAll(List.of(key));
				return recorded(Outcome.skipped("The asset or its source was deleted during the move."), record);
			}
			asset.get().sourceMoved(storageClass, clock.instant());
			return recorded(Outcome.done(objects.stream().filter(o -> o.key().equals(key)).toList()), record);
		});
	}

	/**
	 * Deletes the renditions in {@code profiles}, keeping the rest playing: the master playlist is rewritten
	 * without them first, then their objects and rows go. At least one rendition always stays.
	 */
	public Outcome dropRenditions(AssetId id, Collection<String> profiles, Consumer<Outcome> record) {
		return tx.execute(status -> recorded(drop(id, profiles), record));
	}

	private Outcome drop(AssetId id, Collection<String> profiles) {
		{
			Optional<Asset> locked = assets.lockById(id.value());
			Optional<String> refusal = refusal(locked, id);
			if (refusal.isPresent()) {
				return Outcome.skipped(refusal.get());
			}
			List<Rendition> all = renditions.findByAssetId(id.value());
			List<Rendition> dropped = all.stream().filter(r -> profiles.contains(r.profile())).toList();
			List<RenditionSpec> kept = all.stream()
				.filter(r -> !profiles.contains(r.profile()))
				.map(Rendition::spec)
				.toList();
			if (dropped.isEmpty()) {
				return Outcome.skipped("Those renditions are already gone.");
			}
			if (kept.stream().noneMatch(r -> r.kind() == RenditionKind.VIDEO)
					&& dropped.stream().anyMatch(r -> r.spec().kind() == RenditionKind.VIDEO)) {
				return Outcome.skipped("It would leave no video rendition.");
			}
			List<RenditionSpec> listed = MasterPlaylist.listed(kept, AssetManagement.videoSource(locked.orElseThrow()));
			if (listed.isEmpty()) {
				return Outcome.skipped("It would leave nothing that plays.");
			}
			masters.write(id, listed);
			List<Listed> objects = renditionObjects(id, dropped.stream().map(Rendition::profile).toList());
			storage.deleteAll(objects.stream().map(Listed::key).toList());
			renditions.deleteAll(dropped);
			return Outcome.done(objects);
		}
	}

	/**
	 * Expires the asset: at once it stops playing (no rendition rows, status REMOVED, its watch page says it was
	 * removed), then its files go ({@link #purge}). The row stays as the record of what was there.
	 */
	public Outcome expire(AssetId id, String reason) {
		return expire(id, reason, outcome -> {
		});
	}

	/**
	 * As {@link #expire(AssetId, String)}; {@code record} sees the outcome (the objects about to go) inside the
	 * transaction that marks the asset removed.
	 */
	public Outcome expire(AssetId id, String reason, Consumer<Outcome> record) {
		Outcome marked = tx.execute(status -> {
			Optional<Asset> locked = assets.lockById(id.value());
			Optional<String> refusal = refusal(locked, id);
			if (refusal.isPresent()) {
				return recorded(Outcome.skipped(refusal.get()), record);
			}
			List<Listed> objects = allObjects(id);
			locked.get().removed(reason, clock.instant());
			locked.get().downloads(false, clock.instant()); // its file goes with the rest of its objects
			renditions.deleteAll(renditions.findByAssetId(id.value()));
			texts.deleteAll(texts.findByAssetIdOrderByLanguageAscKindAsc(id.value()));
			alternateAudio.forget(id);
			return recorded(Outcome.done(objects), record);
		});
		if (marked.done()) {
			// what this leaves behind if it fails or the instance dies, the next run's plan purges
			purge(id, outcome -> {
			});
		}
		return marked;
	}

	/** Deletes every file of an expired asset; what an interrupted {@link #expire} left, the next run finishes. */
	public Outcome purge(AssetId id, Consumer<Outcome> record) {
		return tx.execute(status -> recorded(purged(id), record));
	}

	private Outcome purged(AssetId id) {
		{
			Optional<Asset> locked = assets.lockById(id.value());
			if (locked.isEmpty()) {
				return Outcome.skipped("The asset was deleted.");
			}
			Asset asset = locked.get();
			if (asset.status() != AssetStatus.REMOVED || asset.purgedAt() != null) {
				return Outcome.skipped("Nothing to purge.");
			}
			if (asset.holdReason() != null) {
				return Outcome.skipped("On legal hold: " + asset.holdReason());
			}
			List<Listed> objects = allObjects(id);
			storage.deleteAll(objects.stream().map(Listed::key).toList());
			asset.purged(clock.instant());
			if (asset.sourceDeletedAt() == null) {
				asset.sourceDeleted(clock.instant());
			}
			return Outcome.done(objects);
		}
	}

	private static Outcome recorded(Outcome outcome, Consumer<Outcome> record) {
		record.accept(outcome);
		return outcome;
	}

	/** Puts the asset on legal hold: no retention rule touches it until it is released. */
	public void hold(AssetId id, String reason, String by) {
		String clean = reason == null ? "" : reason.replaceAll("\\p{Cntrl}", " ").strip();
		if (clean.isEmpty() || clean.length() > 500) {
			throw new dev.keyframe.platform.Invalid(
					"Say why the asset is on hold (1 to 500 characters), for whoever releases it.");
		}
		tx.executeWithoutResult(status -> assets.lockById(id.value())
			.orElseThrow(() -> new AssetNotFound(id))
			.hold(clean, by, clock.instant()));
	}

	public void release(AssetId id) {
		tx.executeWithoutResult(status -> assets.lockById(id.value())
			.orElseThrow(() -> new AssetNotFound(id))
			.release(clock.instant()));
	}

	private Optional<String> refusal(Optional<Asset> locked, AssetId id) {
		if (locked.isEmpty()) {
			return Optional.of("The asset was deleted.");
		}
		Asset asset = locked.get();
		if (asset.holdReason() != null) {
			return Optional.of("On legal hold: " + asset.holdReason());
		}
		if (asset.status() == AssetStatus.UPLOADING) {
			return Optional.of("Its upload is still open.");
		}
		if (asset.onAir()) {
			return Optional.of("It is on air.");
		}
		if (asset.status() == AssetStatus.REMOVED) {
			return Optional.of("It was removed.");
		}
		if (busy(id)) {
			return Optional.of("A transcode job is queued or running.");
		}
		return Optional.empty();
	}

	private boolean busy(AssetId id) {
		TranscodeWork jobs = work.getIfAvailable();
		return jobs != null && jobs.jobsFor(id)
			.stream()
			.anyMatch(j -> j.state().equals("PENDING") || j.state().equals("RUNNING"));
	}

	private static String sourcePrefix(AssetId id) {
		String key = AssetKeys.source(id);
		return key.substring(0, key.lastIndexOf('/') + 1);
	}

	private static Candidate candidate(Asset a, List<RenditionSpec> published) {
		return new Candidate(new AssetId(a.id()), a.title(), a.status(), a.origin(), a.tags(), a.createdAt(),
				a.readyAt(), a.lastPlayedAt(), a.declaredSize(), a.sourceStorageClass(), a.sourceDeletedAt() == null,
				a.holdReason() != null, a.status() == AssetStatus.REMOVED,
				published.stream().sorted(Comparator.comparingInt(RenditionSpec::height).reversed()).toList(), a.onAir());
	}

	/** An asset as retention rules see it. */
	public record Candidate(AssetId id, String title, AssetStatus status, AssetOrigin origin, List<String> tags,
			Instant createdAt, @Nullable Instant readyAt, @Nullable Instant lastPlayedAt, long sourceSize,
			String sourceStorageClass, boolean sourcePresent, boolean held, boolean removed,
			List<RenditionSpec> renditions, boolean onAir) {
	}

	/** Whether the asset is on legal hold (an unknown asset is not). */
	public boolean held(AssetId id) {
		return assets.findById(id.value()).map(a -> a.holdReason() != null).orElse(false);
	}

	/** What an action did: the objects it deleted or moved, or why it did nothing, or why it failed. */
	public record Outcome(boolean done, int objects, long bytes, @Nullable String skipped, @Nullable String error) {

		public static Outcome done(List<Listed> objects) {
			return new Outcome(true, objects.size(), objects.stream().mapToLong(Listed::size).sum(), null, null);
		}

		public static Outcome done(int objects, long bytes) {
			return new Outcome(true, objects, bytes, null, null);
		}

		public static Outcome skipped(String why) {
			return new Outcome(false, 0, 0, why, null);
		}

		public static Outcome failed(String why) {
			return new Outcome(false, 0, 0, null, why);
		}

	}

}
