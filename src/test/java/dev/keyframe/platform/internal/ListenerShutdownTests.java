package dev.keyframe.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A stop waits for the listeners that run, starts none after, and logs a listener cut off by it at INFO. */
@ExtendWith(OutputCaptureExtension.class)
class ListenerShutdownTests {

	@Test
	void theStopWaitsForRunningListenersAndStartsNoneAfter(CapturedOutput output) throws Exception {
		ListenerShutdown shutdown = new ListenerShutdown(Duration.ofSeconds(10));
		shutdown.start();
		CountDownLatch inside = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicBoolean finished = new AtomicBoolean();
		Thread listener = Thread.ofVirtual().start(shutdown.decorate(() -> {
			inside.countDown();
			await(release);
			finished.set(true);
		}));
		assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
		Thread stop = Thread.ofVirtual().start(shutdown::stop);
		assertThat(stop.join(Duration.ofMillis(300))).as("the stop waits for the running listener").isFalse();
		release.countDown();
		assertThat(stop.join(Duration.ofSeconds(5))).isTrue();
		assertThat(finished).isTrue();
		listener.join();
		assertThat(shutdown.isRunning()).isFalse();

		AtomicBoolean ran = new AtomicBoolean();
		shutdown.decorate(() -> ran.set(true)).run();
		shutdown.decorate(() -> ran.set(true)).run();
		assertThat(ran).as("work handed over after the stop is left for the next start").isFalse();
		assertThat(output.getAll().lines().filter(line -> line.contains("leave it for the next start")))
			.hasSize(1)
			.allMatch(line -> line.contains("INFO"));
	}

	@Test
	void aStartAfterAStopRunsListenersAgain() {
		ListenerShutdown shutdown = new ListenerShutdown(Duration.ZERO);
		shutdown.start();
		shutdown.stop();
		AtomicBoolean ran = new AtomicBoolean();
		shutdown.decorate(() -> ran.set(true)).run();
		assertThat(ran).as("stopped").isFalse();

		shutdown.start(); // as Spring's test framework resumes a paused context
		shutdown.decorate(() -> ran.set(true)).run();
		assertThat(ran).as("started again").isTrue();
		assertThat(shutdown.isRunning()).isTrue();
	}

	@Test
	void theStopGivesUpAfterItsGracePeriod() {
		ListenerShutdown shutdown = new ListenerShutdown(Duration.ofMillis(200));
		CountDownLatch release = new CountDownLatch(1);
		Thread.ofVirtual().start(shutdown.decorate(() -> await(release)));
		long started = System.nanoTime();
		try {
			Thread.sleep(100);
			shutdown.stop();
		}
		catch (InterruptedException ex) {
			throw new AssertionError(ex);
		}
		finally {
			release.countDown();
		}
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void aListenerThatFailsWhileTheInstanceStopsIsOneInfoLine(CapturedOutput output) throws Exception {
		ListenerShutdown shutdown = new ListenerShutdown(Duration.ZERO);
		var method = ListenerShutdownTests.class.getDeclaredMethod("await", CountDownLatch.class);
		shutdown.uncaught(new IllegalStateException("before"), method);
		assertThat(output.getAll()).contains("ERROR").contains("java.lang.IllegalStateException: before");
		int before = output.getAll().length();

		shutdown.stop();
		shutdown.uncaught(new RuntimeException("wrapped", new IllegalStateException("EntityManagerFactory is closed")),
				method);
		String after = output.getAll().substring(before);
		assertThat(after.lines().filter(line -> !line.isBlank())).singleElement()
			.satisfies(line -> assertThat(line).contains("INFO")
				.contains("ListenerShutdownTests.await did not finish before the stop")
				.contains("IllegalStateException: EntityManagerFactory is closed"));
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
