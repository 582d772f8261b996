package dev.keyframe.transcode.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.keyframe.platform.JobQueue;
import dev.keyframe.transcode.JobState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Gauges read from the database and the queue on a schedule (not on every scrape): jobs by state, messages
 * waiting, in flight and dead.
 */
@Component
class TranscodeMetrics {

	private static final Logger log = LoggerFactory.getLogger(TranscodeMetrics.class);

	private final JobStore store;

	private final JobQueue queue;

	private final Map<String, AtomicLong> byState = new ConcurrentHashMap<>();

	private final AtomicLong waiting = new AtomicLong();

	private final AtomicLong inFlight = new AtomicLong();

	private final AtomicLong dead = new AtomicLong();

	TranscodeMetrics(JobStore store, JobQueue queue, MeterRegistry meters) {
		this.store = store;
		this.queue = queue;
		for (JobState state : JobState.values()) {
			AtomicLong value = new AtomicLong();
			byState.put(state.name(), value);
			Gauge.builder("keyframe.transcode.jobs", value, AtomicLong::get)
				.tag("state", state.name())
				.description("Transcode jobs by state")
				.register(meters);
		}
		Gauge.builder("keyframe.queue.depth", waiting, AtomicLong::get)
			.description("Job messages waiting in the queue")
			.register(meters);
		Gauge.builder("keyframe.queue.in.flight", inFlight, AtomicLong::get)
			.description("Job messages received and not yet deleted")
			.register(meters);
		Gauge.builder("keyframe.queue.dead.letters", dead, AtomicLong::get)
			.description("Messages in the dead-letter queue")
			.register(meters);
	}

	@Scheduled(fixedDelayString = "${keyframe.metrics.refresh:PT15S}", initialDelay = 5_000)
	void refresh() {
		try {
			byState.values().forEach(v -> v.set(0));
			store.countByState().forEach(c -> byState.computeIfAbsent(c.state(), s -> new AtomicLong()).set(c.count()));
			var counts = queue.counts();
			waiting.set(counts.waiting());
			inFlight.set(counts.inFlight());
			queue.deadLetterDepth().ifPresent(dead::set);
		}
		catch (RuntimeException ex) {
			log.debug("Metrics refresh failed: {}", ex.getMessage());
		}
	}

}
