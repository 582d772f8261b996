package dev.keyframe.platform.internal;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import dev.keyframe.platform.JobQueue;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.ObjectStorage;

/**
 * Health of what Keyframe depends on besides the database (which Spring Boot checks itself).
 */
class PlatformHealth {

	@Component("storage")
	static class StorageHealth implements HealthIndicator {

		private final ObjectStorage storage;

		StorageHealth(ObjectStorage storage) {
			this.storage = storage;
		}

		@Override
		public Health health() {
			storage.ping();
			return Health.up().withDetail("bucket", storage.bucket()).build();
		}

	}

	@Component("queue")
	static class QueueHealth implements HealthIndicator {

		private final JobQueue queue;

		QueueHealth(JobQueue queue) {
			this.queue = queue;
		}

		@Override
		public Health health() {
			var counts = queue.counts();
			var builder = Health.up().withDetail("waiting", counts.waiting()).withDetail("inFlight", counts.inFlight());
			queue.deadLetterDepth().ifPresent(dead -> builder.withDetail("deadLetters", dead));
			return builder.build();
		}

	}

	@Component("ffmpeg")
	static class FfmpegHealth implements HealthIndicator {

		private final MediaTools tools;

		FfmpegHealth(MediaTools tools) {
			this.tools = tools;
		}

		@Override
		public Health health() {
			boolean runnable = java.nio.file.Files.isExecutable(tools.ffmpegPath())
					&& java.nio.file.Files.isExecutable(tools.ffprobePath());
			return (runnable ? Health.up() : Health.down()).withDetail("version", tools.version())
				.withDetail("ffmpeg", tools.ffmpegPath().toString())
				.build();
		}

	}

}
