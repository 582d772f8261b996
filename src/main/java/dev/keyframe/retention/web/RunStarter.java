package dev.keyframe.retention.web;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.keyframe.retention.Lifecycle;

/**
 * Starts an on-demand run in the background (a large run outlasts any HTTP request) and answers with its id once
 * it has taken the lock, or with 409 when another run holds it.
 */
@Component
class RunStarter {

	private static final Logger log = LoggerFactory.getLogger(RunStarter.class);

	private final Lifecycle lifecycle;

	RunStarter(Lifecycle lifecycle) {
		this.lifecycle = lifecycle;
	}

	UUID start(String by) {
		CompletableFuture<UUID> started = new CompletableFuture<>();
		Thread.ofVirtual().name("lifecycle-run").start(() -> {
			try {
				var run = lifecycle.run("MANUAL", by, step -> {
				}, started::complete);
				if (run.isEmpty()) {
					started.completeExceptionally(RetentionApi.busy());
				}
			}
			catch (RuntimeException ex) {
				log.error("Lifecycle run failed", ex);
				started.completeExceptionally(ex);
			}
		});
		try {
			return started.get(30, TimeUnit.SECONDS);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			throw ex.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(ex.getCause());
		}
		catch (java.util.concurrent.TimeoutException ex) {
			throw new IllegalStateException("The lifecycle run did not start within 30 s.");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while starting the lifecycle run.");
		}
	}

}
