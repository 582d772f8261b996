package dev.keyframe.transcode.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.keyframe.catalog.AssetDeleted;
import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AssetLookup;
import dev.keyframe.catalog.AssetUploaded;
import dev.keyframe.catalog.PosterStored;
import dev.keyframe.catalog.RenditionPublished;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.catalog.TranscodeProgressed;
import dev.keyframe.catalog.TranscodeWork;
import dev.keyframe.platform.JobQueue;
import dev.keyframe.platform.MediaTypes;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.transcode.JobState;
import dev.keyframe.transcode.TranscodeJobQueued;
import dev.keyframe.transcode.TranscodeSettings;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every state change of transcode jobs, each in one transaction with the events it causes: planning when an
 * asset is uploaded, claiming for a worker, finishing (publish, retry or fail), retrying on request, and the
 * sweep that re-queues work whose worker or message was lost.
 */
@Service
@Transactional
public class JobLifecycle implements TranscodeWork {

	private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);

	private final TranscodeJobs jobs;

	private final JobStore store;

	private final AssetLookup assets;

	private final ApplicationEventPublisher events;

	private final TranscodeSettings settings;

	private final MeterRegistry meters;

	private final JobQueue queue;

	private final Clock clock;

	private final ObjectStorage storage;

	JobLifecycle(TranscodeJobs jobs, JobStore store, AssetLookup assets, ApplicationEventPublisher events,
			TranscodeSettings settings, MeterRegistry meters, JobQueue queue, Optional<Clock> clock,
			ObjectStorage storage) {
		this.storage = storage;
		this.jobs = jobs;
		this.store = store;
		this.assets = assets;
		this.events = events;
		this.settings = settings;
		this.meters = meters;
		this.queue = queue;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/**
	 * Plans the ladder in the transaction that completes the upload: the jobs and their outbox records commit
	 * with the asset's new state, or not at all.
	 */
	@EventListener
	void on(AssetUploaded event) {
		// the fast first group is queued first, so it is picked up first
		List<PlannedJob> planned = LadderPlanner.plan(event.media(), settings)
			.stream()
			.sorted(java.util.Comparator.comparingInt(PlannedJob::group))
			.toList();
		for (PlannedJob plan : planned) {
			TranscodeJob job = jobs.save(new TranscodeJob(event.asset().value(), plan, clock.instant()));
			events.publishEvent(new TranscodeJobQueued(job.id(), 0));
		}
		jobs.flush();
		progressed(event.asset());
	}

	@ApplicationModuleListener
	void on(AssetDeleted event) {
		jobs.deleteByAssetId(event.asset().value());
	}

	/**
	 * Decides what a received message means and, when there is work, claims it with its encode group, or the
	 * asset's more urgent group that nobody has tried yet, or whose worker died (its audio, the lowest rung's next
	 * chunk, an earlier chunk), instead: a queue has no priorities and the outbox sends an asset's messages side by
	 * side, so whichever message of an asset comes first carries the work a viewer waits on first. The message then
	 * stays with the worker while it encodes, and goes back to the queue after, for its own job
	 * ({@link Claim#carrier()} is false).
	 */
	public Claim claim(UUID jobId, String owner) {
		Instant now = clock.instant();
		Optional<UUID> asset = store.assetOf(jobId);
		if (asset.isEmpty()) {
			return Claim.nothing(Claim.Outcome.GONE);
		}
		store.lockAsset(asset.get());
		Optional<JobStore.JobRow> found = store.lock(jobId);
		if (found.isEmpty()) {
			return Claim.nothing(Claim.Outcome.GONE);
		}
		JobStore.JobRow job = found.get();
		if (job.state().equals("DONE") || job.state().equals("FAILED")) {
			return Claim.nothing(Claim.Outcome.FINISHED);
		}
		if (job.state().equals("RUNNING") && job.leaseLive()) {
			return Claim.nothing(Claim.Outcome.BUSY);
		}
		if (job.attempts() >= settings.maxAttempts()) {
			String reason = "Gave up after " + job.attempts() + " attempts. Last error: "
					+ (job.error() == null ? "the worker stopped responding." : job.error());
			store.fail(job.id(), null, reason, now);
			progressed(new AssetId(job.assetId()));
			return Claim.nothing(Claim.Outcome.GAVE_UP);
		}
		Optional<Integer> urgent = store.untriedGroupBefore(job.assetId(), job.group(), settings.maxAttempts());
		if (urgent.isPresent()) {
			List<UUID> claimed = store.claimGroup(new JobStore.JobRow(job.id(), job.assetId(), urgent.get(), "PENDING", 0,
					false, null), owner, settings.lease(), settings.maxAttempts());
			if (!claimed.isEmpty()) {
				log.info("The message for job {} (group {}) carries group {} of asset {} first", jobId, job.group(),
						urgent.get(), job.assetId());
				return new Claim(Claim.Outcome.CLAIMED, new AssetId(job.assetId()), jobs.findAllById(claimed), false);
			}
		}
		List<UUID> claimed = store.claimGroup(job, owner, settings.lease(), settings.maxAttempts());
		if (!claimed.contains(jobId)) {
			return Claim.nothing(Claim.Outcome.BUSY);
		}
		return new Claim(Claim.Outcome.CLAIMED, new AssetId(job.assetId()), jobs.findAllById(claimed), true);
	}

	/** The worker's heartbeat: renews the lease and records progress. Returns how many jobs it still holds. */
	public int renew(List<UUID> ids, String owner, double progress) {
		return store.renew(ids, owner, settings.lease(), progress);
	}

	/**
	 * Records what one encode produced: each job that still holds its lease becomes DONE with the segments it
	 * stored, and its rendition is published as far as its chunks reach (complete once every chunk is DONE) if it
	 * is keyframe-aligned with the asset's published renditions (checked under the asset's lock, so renditions
	 * made by different processes are compared too); failures are retried with backoff while attempts remain; the
	 * asset's status follows.
	 * @param tolerance how far apart two segment boundaries may be and still be the same (half a frame)
	 */
	public void finished(AssetId asset, List<JobResult> results, String owner, Duration took, double tolerance) {
		Instant now = clock.instant();
		store.lockAsset(asset.value());
		List<JobResult> ordered = results.stream().sorted(java.util.Comparator.comparing(r -> r.job().profile())).toList();
		for (JobResult result : ordered) {
			TranscodeJob job = result.job();
			JobResult outcome = result;
			if (result.rendition() != null) {
				if (!store.finish(job.id(), owner, now, result.stored())) {
					continue; // another worker took it over and will publish it
				}
				Optional<String> rejected = publish(asset, job.plan(), result.rendition(), tolerance);
				if (rejected.isEmpty()) {
					meters.timer("keyframe.transcode.job.duration", "profile", job.profile()).record(took);
					continue;
				}
				store.fail(job.id(), null, rejected.get(), now);
				meters.counter("keyframe.transcode.job.failures", "profile", job.profile(), "retryable", "false")
					.increment();
				continue;
			}
			meters.counter("keyframe.transcode.job.failures", "profile", job.profile(), "retryable",
					String.valueOf(outcome.retryable())).increment();
			int attempts = jobs.findById(job.id()).map(TranscodeJob::attempts).orElse(settings.maxAttempts());
			String reason = job.plan().last() && job.plan().startMillis() == 0 ? outcome.error()
					: "In " + job.plan().describeChunk() + ": " + outcome.error();
			if (outcome.retryable() && attempts < settings.maxAttempts() && assets.exists(asset)) {
				if (store.requeue(job.id(), owner, reason, false, now)) {
					events.publishEvent(new TranscodeJobQueued(job.id(), backoff(attempts)));
				}
			}
			else {
				store.fail(job.id(), owner, reason, now);
			}
		}
		progressed(asset);
	}

	/**
	 * A running job stored more segments: they are recorded and, for a rendition a viewer may be waiting on (an
	 * urgent group's), its playlist grows to list them. Does nothing if the job was lost meanwhile.
	 */
	public void progressed(AssetId asset, TranscodeJob job, String owner, StoredSegments stored, RenditionSpec meta,
			double tolerance) {
		store.lockAsset(asset.value());
		if (store.storeSegments(job.id(), owner, stored) && job.plan().urgent()) {
			// the catalog makes the asset playable the first time its master lists something (video and its audio)
			publish(asset, job.plan(), meta, tolerance).ifPresent(problem -> log
				.warn("Not publishing {} of {} while it is encoded: {}", job.profile(), asset, problem));
		}
	}

	/** The asset's status follows its jobs: the catalog hears how they stand. */
	private void progressed(AssetId asset) {
		events.publishEvent(new TranscodeProgressed(asset, store.counts(asset.value())));
	}

	/** A poster was taken from the asset's first chunk. */
	public void posterStored(AssetId asset, String key) {
		events.publishEvent(new PosterStored(asset, key));
	}

	/**
	 * Writes the rendition's playlist from the segments its chunks have stored, from segment 0 up to the first
	 * chunk that is missing or still encoding, and publishes it: complete once every chunk is DONE, growing before.
	 * A rendition of background groups is published only once complete: nobody waits on it, and a player must not
	 * be offered a rung that stops short. Its chunks are packaged alike, as the job is.
	 */
	private Optional<String> publish(AssetId asset, PlannedJob job, RenditionSpec meta, double tolerance) {
		String profile = job.profile();
		List<JobStore.ChunkRow> chunks = store.chunks(asset.value(), profile);
		List<Double> durations = new java.util.ArrayList<>();
		long bytes = 0;
		long peak = 0;
		boolean complete = true;
		for (JobStore.ChunkRow chunk : chunks) {
			StoredSegments stored = chunk.stored();
			if (stored.count() == 0 || stored.first() != durations.size()) {
				complete = false;
				break;
			}
			durations.addAll(stored.durations());
			bytes += stored.bytes();
			peak = Math.max(peak, stored.peakBps());
			if (!chunk.state().equals("DONE")) {
				complete = false;
				break;
			}
		}
		boolean urgent = chunks.stream().allMatch(c -> c.group() < PlannedJob.BACKGROUND);
		if (durations.isEmpty() || !(complete || urgent)) {
			return Optional.empty();
		}
		String key = AssetKeys.renditionPrefix(asset, profile) + "index.m3u8";
		double total = durations.stream().mapToDouble(Double::doubleValue).sum();
		long average = (long) (bytes * 8 / Math.max(0.001, total));
		List<Double> boundaries = new java.util.ArrayList<>(durations.size());
		double at = 0;
		for (double d : durations) {
			boundaries.add(at);
			at += d;
		}
		RenditionSpec spec = new RenditionSpec(profile, meta.kind(), meta.width(), meta.height(), Math.max(peak, average),
				average, meta.codecs(), meta.frameRate(), key, durations.size(), bytes, boundaries, complete,
				meta.audioGroup(), job.packaging(), total);
		// every publication of the asset's renditions holds the asset's lock (claim, progress, finish): the check
		// sees every earlier one, whichever process made it
		// an audio group's renditions (one per language) are not switched between mid-play: they need not line up
		boolean inAudioGroup = spec.kind() == RenditionKind.AUDIO && spec.audioGroup() != null;
		Optional<String> misaligned = inAudioGroup ? Optional.empty() : Alignment.compare(profile, boundaries, complete,
				assets.renditions(asset)
					.stream()
					.filter(r -> r.kind() == spec.kind() && !r.profile().equals(profile)
							&& (r.kind() == RenditionKind.VIDEO || r.audioGroup() == null))
					.collect(java.util.stream.Collectors.toMap(RenditionSpec::profile,
							r -> new Alignment.Published(r.boundaries(), r.complete()))),
				tolerance);
		if (misaligned.isPresent()) {
			// its objects stay: the chunks that were right are kept for a retry, and go with the asset
			return misaligned;
		}
		storage.put(key, HlsPlaylist.write(durations, settings.segmentSeconds(), complete, job.packaging())
			.getBytes(java.nio.charset.StandardCharsets.UTF_8), MediaTypes.HLS_PLAYLIST, ObjectStorage.SHORT_LIVED);
		events.publishEvent(new RenditionPublished(asset, spec));
		return Optional.empty();
	}

	/** Gives the jobs back without counting the attempt against them, when this worker stops. */
	public void release(List<UUID> ids, String owner) {
		Instant now = clock.instant();
		for (UUID id : ids) {
			if (store.requeue(id, owner, null, true, now)) {
				events.publishEvent(new TranscodeJobQueued(id, 0));
			}
		}
	}

	@Override
	@Transactional(readOnly = true)
	public java.util.Map<AssetId, Double> progress(java.util.Collection<AssetId> assets) {
		return store.progress(assets.stream().map(AssetId::value).toList())
			.entrySet()
			.stream()
			.collect(java.util.stream.Collectors.toMap(e -> new AssetId(e.getKey()), java.util.Map.Entry::getValue));
	}

	@Override
	public int retryFailed(AssetId asset) {
		// a source retention deleted or archived cannot be read: say so rather than queue jobs that must fail
		assets.transcodeBlocker(asset).ifPresent(reason -> {
			throw new dev.keyframe.platform.Conflict(reason);
		});
		List<UUID> reset = store.resetFailed(asset.value(), clock.instant());
		reset.forEach(id -> events.publishEvent(new TranscodeJobQueued(id, 0)));
		progressed(asset);
		return reset.size();
	}

	@Override
	@Transactional(readOnly = true)
	public List<JobView> jobsFor(AssetId asset) {
		java.util.Map<String, List<TranscodeJob>> byProfile = new java.util.LinkedHashMap<>();
		jobs.findByAssetIdOrderByShortSideDescProfileAsc(asset.value())
			.forEach(j -> byProfile.computeIfAbsent(j.profile(), p -> new java.util.ArrayList<>()).add(j));
		return byProfile.values().stream().map(JobLifecycle::view).toList();
	}

	/** One rendition's chunks as one line: failed if any failed, done when all are, running while any runs. */
	private static JobView view(List<TranscodeJob> chunks) {
		TranscodeJob first = chunks.stream().min(java.util.Comparator.comparingInt(TranscodeJob::chunk)).orElseThrow();
		long done = chunks.stream().filter(j -> j.state() == JobState.DONE).count();
		JobState state = chunks.stream().anyMatch(j -> j.state() == JobState.FAILED) ? JobState.FAILED
				: done == chunks.size() ? JobState.DONE
						: chunks.stream().anyMatch(j -> j.state() == JobState.RUNNING) ? JobState.RUNNING : JobState.PENDING;
		double progress = chunks.stream().mapToDouble(j -> j.state() == JobState.DONE ? 1 : j.progress()).average().orElse(0);
		String error = chunks.stream()
			.filter(j -> j.state() == JobState.FAILED || state != JobState.FAILED)
			.map(TranscodeJob::error)
			.filter(java.util.Objects::nonNull)
			.findFirst()
			.orElse(null);
		Instant started = chunks.stream().map(TranscodeJob::startedAt).filter(java.util.Objects::nonNull)
			.min(java.util.Comparator.naturalOrder()).orElse(null);
		Instant finished = state == JobState.DONE || state == JobState.FAILED ? chunks.stream()
			.map(TranscodeJob::finishedAt).filter(java.util.Objects::nonNull)
			.max(java.util.Comparator.naturalOrder()).orElse(null) : null;
		return new JobView(first.id().toString(), first.profile(), state.name(),
				chunks.stream().mapToInt(TranscodeJob::attempts).max().orElse(0), progress, error, started, finished,
				chunks.size(), (int) done);
	}

	/**
	 * Re-queues work that lost its carrier: running jobs whose worker stopped renewing its lease well past the
	 * visibility timeout (the message's own redelivery normally gets there first), and pending jobs whose message
	 * was sent long ago while the queue is empty (a purged or restarted queue). Duplicates this may cause are
	 * harmless: claims are idempotent.
	 */
	public void sweep() {
		Instant now = clock.instant();
		List<UUID> abandoned = store.releaseAbandoned(settings.visibilityTimeout().multipliedBy(2), now);
		// while messages wait in the queue, pending jobs are not lost, only waiting: re-send only into an empty queue
		List<UUID> stale = queue.counts().total() == 0
				? store.redispatchStale(now.minus(settings.redispatchAfter()), now) : List.of();
		abandoned.forEach(id -> events.publishEvent(new TranscodeJobQueued(id, 0)));
		stale.forEach(id -> events.publishEvent(new TranscodeJobQueued(id, 0)));
		if (!abandoned.isEmpty() || !stale.isEmpty()) {
			log.info("Sweep re-queued {} abandoned and {} unsent jobs", abandoned.size(), stale.size());
		}
	}

	private int backoff(int attempts) {
		long seconds = settings.retryBackoff().toSeconds() << Math.max(0, attempts - 1);
		return (int) Math.min(900, seconds);
	}

	/**
	 * What a received message turned out to mean.
	 * @param carrier the claimed jobs include the message's own: once they end, the message is done with
	 */
	public record Claim(Outcome outcome, AssetId asset, List<TranscodeJob> jobs, boolean carrier) {

		static Claim nothing(Outcome outcome) {
			return new Claim(outcome, new AssetId(new UUID(0, 0)), List.of(), true);
		}

		public enum Outcome {

			/** The jobs are this worker's now. */
			CLAIMED,
			/** The job ended already: a duplicate or late message. */
			FINISHED,
			/** Another worker holds the job's lease. */
			BUSY,
			/** The job no longer exists (its asset was deleted). */
			GONE,
			/** The job used up its attempts and was failed. */
			GAVE_UP

		}

	}

	/**
	 * The outcome of one job in an encode: what its rendition is (size, codecs; the playlist and figures are
	 * filled in when it is published) and the segments it stored, or an error.
	 */
	public record JobResult(TranscodeJob job, @org.jspecify.annotations.Nullable RenditionSpec rendition,
			StoredSegments stored, String error, boolean retryable) {

		public static JobResult published(TranscodeJob job, RenditionSpec rendition, StoredSegments stored) {
			return new JobResult(job, rendition, stored, "", false);
		}

		public static JobResult failed(TranscodeJob job, String error, boolean retryable) {
			return new JobResult(job, null, StoredSegments.NONE, error, retryable);
		}

	}

}
