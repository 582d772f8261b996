package dev.keyframe.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The clock of the shared test context: the system clock, unless a test moves it. Time keeps flowing from where it
 * was moved to. Tests that move it put it back ({@link #reset}) when they end.
 */
public final class TestClock extends Clock {

	private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("The test clock is UTC");
	}

	@Override
	public Instant instant() {
		return Instant.now().plus(offset.get());
	}

	/** From now on the clock reads {@code at}, and moves on from there. */
	public void set(Instant at) {
		offset.set(Duration.between(Instant.now(), at));
	}

	public void reset() {
		offset.set(Duration.ZERO);
	}

	@TestConfiguration(proxyBeanMethods = false)
	public static class Config {

		@Bean
		TestClock testClock() {
			return new TestClock();
		}

	}

}
