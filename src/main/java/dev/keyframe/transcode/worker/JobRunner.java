package dev.keyframe.transcode.worker;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.keyframe.catalog.AssetLookup;
import dev.keyframe.catalog.AssetSource;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.platform.JobQueue;
import dev.keyframe.transcode.TranscodeSettings;
import dev.keyframe.transcode.internal.JobLifecycle;
import dev.keyframe.transcode.internal.JobLifecycle.Claim;
import dev.keyframe.transcode.internal.JobLifecycle.JobResult;
import dev.keyframe.transcode.internal.EncodeCommand;
import dev.keyframe.transcode.internal.JobMessage;
import dev.keyframe.transcode.internal.TranscodeJob;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Handles one received job message from start to end: claim, encode with a heartbeat, record the outcome,
 * delete the message. If this process dies midway the message reappears after its visibility timeout and
 * another worker takes the job over.
 */
@Component
class JobRunner {

	private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

	private final JobQueue queue;

	private final JobLifecycle lifecycle;

	private final AssetLookup assets;

	private final Encoder encoder;

	private final TranscodeSettings settings;

	private final MeterRegistry meters;

	JobRunner(JobQueue queue, JobLifecycle lifecycle, AssetLookup assets, Encoder encoder,
			TranscodeSettings settings, MeterRegistry meters) {
		this.queue = queue;
		this.lifecycle = lifecycle;
		this.assets = assets;
		this.encoder = encoder;
		this.settings = settings;
		this.meters = meters;
	}

	/**
	 * Claims and runs the message's job, unless this pool has begun to stop: then the message is made visible
	 * again at once, for a worker that is not stopping.
	 */
	void handle(JobQueue.Received message, String owner, StopSignal stopping) {
		Optional<UUID> jobId = JobMessage.parse(message.body());
		if (jobId.isEmpty()) {
			log.error("Poison message {} (receive #{}): not a job message; it goes to the dead-letter queue: {}",
					message.messageId(), message.receiveCount(), abbreviate(message.body()));
			meters.counter("keyframe.transcode.poison.messages").increment();
			queue.extend(message.receiptHandle(), Duration.ZERO);
			return;
		}
		Optional<Claim> claimed = stopping.unlessStopped(() -> lifecycle.claim(jobId.get(), owner));
		if (claimed.isEmpty()) {
			log.debug("Giving back the message for job {}: this worker pool is stopping", jobId.get());
			queue.extend(message.receiptHandle(), Duration.ZERO);
			return;
		}
		Claim claim = claimed.get();
		if (claim.outcome() != Claim.Outcome.CLAIMED) {
			log.debug("Message for job {}: {}", jobId.get(), claim.outcome());
			queue.delete(message.receiptHandle());
			return;
		}
		run(claim, message, owner, stopping);
	}

	private void run(Claim claim, JobQueue.Received message, String owner, StopSignal stopping) {
		List<UUID> ids = claim.jobs().stream().map(TranscodeJob::id).toList();
		String profiles = claim.jobs().stream().map(TranscodeJob::profile).collect(Collectors.joining(","));
		log.info("Encoding {} of asset {} ({})", profiles, claim.asset(), owner);
		AtomicReference<Double> progress = new AtomicReference<>(0.0);
		AtomicBoolean lost = new AtomicBoolean();
		CountDownLatch done = new CountDownLatch(1);
		Thread heartbeat = Thread.ofVirtual()
			.name("heartbeat-" + owner)
			.start(() -> heartbeat(message, ids, owner, progress, lost, done));
		long started = System.nanoTime();
		try {
			Optional<AssetSource> source = assets.source(claim.asset());
			List<JobResult> results;
			if (source.isEmpty()) {
				results = claim.jobs().stream().map(j -> JobResult.failed(j, "The asset's source is gone.", false)).toList();
			}
			else {
				meters.counter("keyframe.transcode.encodes").increment();
				double tolerance = EncodeCommand.tolerance(source.get().media());
				results = encoder.encode(claim.asset(), source.get(), claim.jobs(), progress::set,
						() -> stopping.stopped() || lost.get(), (job, stored, rendition) -> {
							if (!stopping.stopped() && !lost.get()) {
								lifecycle.progressed(claim.asset(), job, owner, stored, rendition, tolerance);
							}
						});
			}
			done.countDown(); // wakes the heartbeat at once: publishing waits for nothing
			heartbeat.join(5_000);
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			if (stopping.stopped()) {
				lifecycle.release(ids, owner);
			}
			else {
				double tolerance = source.map(s -> EncodeCommand.tolerance(s.media())).orElse(0.05);
				lifecycle.finished(claim.asset(), results, owner, took, tolerance);
				// the poster comes from the beginning: taken once the first video chunk a viewer waits on is stored
				boolean firstGroup = claim.jobs().stream()
					.anyMatch(j -> j.chunk() == 0 && j.plan().urgent() && j.kind() == RenditionKind.VIDEO);
				boolean published = results.stream().anyMatch(r -> r.rendition() != null);
				if (firstGroup && published && source.isPresent()) {
					encoder.poster(claim.asset(), source.get()).ifPresent(key -> lifecycle.posterStored(claim.asset(), key));
				}
			}
			if (claim.carrier()) {
				queue.delete(message.receiptHandle());
			}
			else {
				// it carried more urgent work of its asset: back to the queue, for its own job
				queue.extend(message.receiptHandle(), Duration.ZERO);
			}
			log.info("Finished {} of asset {} in {} s: {}", profiles, claim.asset(), took.toSeconds(),
					results.stream().map(r -> r.job().profile() + (r.rendition() != null ? " ok" : " failed: " + r.error()))
						.collect(Collectors.joining("; ")));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			done.countDown();
		}
	}

	/**
	 * Every {@code renewal} (2 s): renews the jobs' lease and records progress; at most a {@code heartbeat} apart:
	 * keeps the message hidden (the lease is sized on that bound, see {@link TranscodeSettings#lease()}).
	 * Each renewal is tried on its own, so an SQS hiccup does not let the lease lapse, or the other way round.
	 */
	private void heartbeat(JobQueue.Received message, List<UUID> ids, String owner, AtomicReference<Double> progress,
			AtomicBoolean lost, CountDownLatch done) {
		long lastExtension = System.nanoTime();
		long renewal = settings.renewal().toNanos();
		while (true) {
			try {
				if (done.await(renewal, TimeUnit.NANOSECONDS)) {
					return;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			try {
				if (lifecycle.renew(ids, owner, progress.get()) == 0) {
					log.warn("Lost the lease of {} ({})", ids, owner);
					lost.set(true);
				}
			}
			catch (RuntimeException ex) {
				log.warn("Renewing the lease of {} failed: {}", ids, ex.getMessage());
			}
			// extend now if waiting for the next tick would leave more than a heartbeat since the last extension
			if (System.nanoTime() - lastExtension + renewal > settings.heartbeat().toNanos()) {
				try {
					queue.extend(message.receiptHandle(), settings.visibilityTimeout());
					lastExtension = System.nanoTime();
				}
				catch (RuntimeException ex) {
					log.warn("Extending the message of {} failed: {}", ids, ex.getMessage());
				}
			}
		}
	}

	private static String abbreviate(String body) {
		return body.length() <= 200 ? body : body.substring(0, 200) + "...";
	}

}
