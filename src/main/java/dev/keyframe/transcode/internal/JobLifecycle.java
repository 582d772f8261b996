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
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetUploaded;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.catalog.TranscodeWork;
import dev.keyframe.platform.JobQueue;
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

	private final AssetManagement assets;

	private final ApplicationEventPublisher events;

	private final TranscodeSettings settings;

	private final MeterRegistry meters;

	private final JobQueue queue;

	private final Clock clock;

	JobLifecycle(TranscodeJobs jobs, JobStore store, AssetManagement assets, ApplicationEventPublisher events,
			TranscodeSettings settings, MeterRegistry meters, JobQueue queue, Optional<Clock> clock) {
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
		assets.transcodeProgressed(event.asset(), store.counts(event.asset().value()));
	}

	@ApplicationModuleListener
	void on(AssetDeleted event) {
		jobs.deleteByAssetId(event.asset().value());
	}

	/** Decides what a received message means and, when there is work, claims it with its encode group. */
	public Claim claim(UUID jobId, String owner) {
		Instant now = clock.instant();
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
			assets.transcodeProgressed(new AssetId(job.assetId()), store.counts(job.assetId()));
			return Claim.nothing(Claim.Outcome.GAVE_UP);
		}
		List<UUID> claimed = store.claimGroup(job, owner, settings.lease(), settings.maxAttempts());
		if (!claimed.contains(jobId)) {
			return Claim.nothing(Claim.Outcome.BUSY);
		}
		return new Claim(Claim.Outcome.CLAIMED, new AssetId(job.assetId()), jobs.findAllById(claimed));
	}

	/** The worker's heartbeat: renews the lease and records progress. Returns how many jobs it still holds. */
	public int renew(List<UUID> ids, String owner, double progress) {
		return store.renew(ids, owner, settings.lease(), progress);
	}

	/**
	 * Records what one encode produced: each rendition is published if it is keyframe-aligned with the asset's
	 * published renditions (checked under the asset's lock, so renditions made by different processes are
	 * compared too) and its job becomes DONE; failures are retried with backoff while attempts remain; the
	 * asset's status follows.
	 * @param tolerance how far apart two segment boundaries may be and still be the same (half a frame)
	 */
	public void finished(AssetId asset, List<JobResult> results, String owner, Duration took, double tolerance) {
		Instant now = clock.instant();
		for (JobResult result : results) {
			TranscodeJob job = result.job();
			JobResult outcome = result;
			if (result.rendition() != null) {
				Optional<String> rejected = assets.publishRendition(asset, result.rendition(),
						(candidate, published) -> Alignment.check(candidate.profile(), candidate.boundaries(), null,
								published.stream()
									.filter(r -> r.kind() == candidate.kind())
									.collect(java.util.stream.Collectors.toMap(RenditionSpec::profile,
											RenditionSpec::boundaries)),
								tolerance));
				if (rejected.isEmpty()) {
					if (store.finish(job.id(), owner, now)) {
						meters.timer("keyframe.transcode.job.duration", "profile", job.profile()).record(took);
					}
					continue;
				}
				outcome = JobResult.failed(job, rejected.get(), false);
			}
			meters.counter("keyframe.transcode.job.failures", "profile", job.profile(), "retryable",
					String.valueOf(outcome.retryable())).increment();
			int attempts = jobs.findById(job.id()).map(TranscodeJob::attempts).orElse(settings.maxAttempts());
			if (outcome.retryable() && attempts < settings.maxAttempts() && assets.exists(asset)) {
				if (store.requeue(job.id(), owner, outcome.error(), false, now)) {
					events.publishEvent(new TranscodeJobQueued(job.id(), backoff(attempts)));
				}
			}
			else {
				store.fail(job.id(), owner, outcome.error(), now);
			}
		}
		assets.transcodeProgressed(asset, store.counts(asset.value()));
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
			throw new dev.keyframe.platform.Problem(org.springframework.http.HttpStatus.CONFLICT, reason);
		});
		List<UUID> reset = store.resetFailed(asset.value(), clock.instant());
		reset.forEach(id -> events.publishEvent(new TranscodeJobQueued(id, 0)));
		assets.transcodeProgressed(asset, store.counts(asset.value()));
		return reset.size();
	}

	@Override
	@Transactional(readOnly = true)
	public List<JobView> jobsFor(AssetId asset) {
		return jobs.findByAssetIdOrderByShortSideDescProfileAsc(asset.value())
			.stream()
			.map(j -> new JobView(j.id().toString(), j.profile(), j.state().name(), j.attempts(), j.progress(),
					j.error(), j.startedAt(), j.state() == JobState.DONE || j.state() == JobState.FAILED
							? j.finishedAt() : null))
			.toList();
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

	/** What a received message turned out to mean. */
	public record Claim(Outcome outcome, AssetId asset, List<TranscodeJob> jobs) {

		static Claim nothing(Outcome outcome) {
			return new Claim(outcome, new AssetId(new UUID(0, 0)), List.of());
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

	/** The outcome of one job in an encode: a rendition to publish, or an error. */
	public record JobResult(TranscodeJob job, @org.jspecify.annotations.Nullable RenditionSpec rendition,
			String error, boolean retryable) {

		public static JobResult published(TranscodeJob job, RenditionSpec rendition) {
			return new JobResult(job, rendition, "", false);
		}

		public static JobResult failed(TranscodeJob job, String error, boolean retryable) {
			return new JobResult(job, null, error, retryable);
		}

	}

}
