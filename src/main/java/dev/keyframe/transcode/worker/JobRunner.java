package dev.keyframe.transcode.worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetSource;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.platform.JobQueue;
import dev.keyframe.transcode.TranscodeSettings;
import dev.keyframe.transcode.internal.JobLifecycle;
import dev.keyframe.transcode.internal.JobLifecycle.Claim;
import dev.keyframe.transcode.internal.JobLifecycle.JobResult;
import dev.keyframe.transcode.internal.JobMessage;
import dev.keyframe.transcode.internal.TranscodeJob;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;

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

	private final AssetManagement assets;

	private final Encoder encoder;

	private final TranscodeSettings settings;

	private final MeterRegistry meters;

	private final ScheduledExecutorService heartbeats = Executors.newScheduledThreadPool(1,
			Thread.ofPlatform().name("transcode-heartbeat").daemon().factory());

	JobRunner(JobQueue queue, JobLifecycle lifecycle, AssetManagement assets, Encoder encoder,
			TranscodeSettings settings, MeterRegistry meters) {
		this.queue = queue;
		this.lifecycle = lifecycle;
		this.assets = assets;
		this.encoder = encoder;
		this.settings = settings;
		this.meters = meters;
	}

	void handle(JobQueue.Received message, String owner, AtomicBoolean stopping) {
		Optional<UUID> jobId = JobMessage.parse(message.body());
		if (jobId.isEmpty()) {
			log.error("Poison message {} (receive #{}): not a job message; it goes to the dead-letter queue: {}",
					message.messageId(), message.receiveCount(), abbreviate(message.body()));
			meters.counter("keyframe.transcode.poison.messages").increment();
			queue.extend(message.receiptHandle(), Duration.ZERO);
			return;
		}
		Claim claim = lifecycle.claim(jobId.get(), owner);
		if (claim.outcome() != Claim.Outcome.CLAIMED) {
			log.debug("Message for job {}: {}", jobId.get(), claim.outcome());
			queue.delete(message.receiptHandle());
			return;
		}
		run(claim, message, owner, stopping);
	}

	private void run(Claim claim, JobQueue.Received message, String owner, AtomicBoolean stopping) {
		List<UUID> ids = claim.jobs().stream().map(TranscodeJob::id).toList();
		String profiles = claim.jobs().stream().map(TranscodeJob::profile).collect(Collectors.joining(","));
		log.info("Encoding {} of asset {} ({})", profiles, claim.asset(), owner);
		AtomicReference<Double> progress = new AtomicReference<>(0.0);
		AtomicBoolean lost = new AtomicBoolean();
		AtomicLong lastRenewal = new AtomicLong(System.nanoTime());
		ScheduledFuture<?> heartbeat = heartbeats.scheduleWithFixedDelay(() -> {
			try {
				boolean renewMessage = System.nanoTime() - lastRenewal.get() >= settings.heartbeat().toNanos();
				if (renewMessage) {
					queue.extend(message.receiptHandle(), settings.visibilityTimeout());
					lastRenewal.set(System.nanoTime());
				}
				if (lifecycle.renew(ids, owner, progress.get()) == 0) {
					lost.set(true);
				}
			}
			catch (RuntimeException ex) {
				log.warn("Heartbeat for {} failed: {}", ids, ex.getMessage());
			}
		}, 2, 2, TimeUnit.SECONDS);
		long started = System.nanoTime();
		try {
			Optional<AssetSource> source = assets.source(claim.asset());
			List<JobResult> results;
			boolean withPoster = false;
			if (source.isEmpty()) {
				results = claim.jobs().stream().map(j -> JobResult.failed(j, "The asset's source is gone.", false)).toList();
			}
			else {
				withPoster = claim.jobs().stream().anyMatch(j -> j.encodeGroup() == 0 && j.kind() == RenditionKind.VIDEO);
				Map<String, RenditionSpec> published = assets.renditions(claim.asset())
					.stream()
					.collect(Collectors.toMap(RenditionSpec::profile, Function.identity()));
				meters.counter("keyframe.transcode.encodes").increment();
				results = encoder.encode(claim.asset(), source.get(), claim.jobs(), published, progress::set,
						() -> stopping.get() || lost.get());
			}
			heartbeat.cancel(false);
			if (stopping.get()) {
				lifecycle.release(ids, owner);
			}
			else {
				lifecycle.finished(claim.asset(), results, owner, Duration.ofNanos(System.nanoTime() - started));
			}
			if (withPoster && !stopping.get()) {
				encoder.poster(claim.asset(), source.get()).ifPresent(key -> assets.posterStored(claim.asset(), key));
			}
			queue.delete(message.receiptHandle());
			log.info("Finished {} of asset {} in {} s: {}", profiles, claim.asset(),
					Duration.ofNanos(System.nanoTime() - started).toSeconds(),
					results.stream().map(r -> r.job().profile() + (r.rendition() != null ? " ok" : " failed: " + r.error()))
						.collect(Collectors.joining("; ")));
		}
		finally {
			heartbeat.cancel(false);
		}
	}

	private static String abbreviate(String body) {
		return body.length() <= 200 ? body : body.substring(0, 200) + "...";
	}

	@PreDestroy
	void shutdown() {
		heartbeats.shutdownNow();
	}

}
