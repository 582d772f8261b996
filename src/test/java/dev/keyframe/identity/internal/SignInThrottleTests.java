package dev.keyframe.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.keyframe.support.TestClock;

class SignInThrottleTests {

	final TestClock clock = new TestClock();

	final SignInThrottle throttle = new SignInThrottle(List.of("10.9.0.0/16"), clock, 100);

	@Test
	void locksANameAfterFiveFailuresWhetherOrNotAnAccountHasIt() {
		for (int i = 0; i < 4; i++) {
			throttle.failed("Someone", "192.0.2." + i);
		}
		assertThat(throttle.lockedUntil("someone", "192.0.2.99")).isEmpty();
		throttle.failed("someone ", "192.0.2.4");
		assertThat(throttle.lockedUntil("SOMEONE", "192.0.2.99")).as("from anywhere, in any case").isPresent();
		assertThat(throttle.lockedUntil("someone-else", "192.0.2.99")).isEmpty();
	}

	@Test
	void theLockLapsesAWindowAfterTheLastFailure() {
		clock.set(Instant.parse("2026-01-01T00:00:00Z"));
		for (int i = 0; i < 5; i++) {
			throttle.failed("someone", "192.0.2.1");
		}
		assertThat(throttle.lockedUntil("someone", "192.0.2.1")).isPresent();
		clock.set(Instant.parse("2026-01-01T00:15:01Z"));
		assertThat(throttle.lockedUntil("someone", "192.0.2.1")).isEmpty();
	}

	@Test
	void locksAnAddressThatTriesManyNames() {
		for (int i = 0; i < SignInThrottle.ADDRESS_LIMIT; i++) {
			throttle.failed("name-" + i, "192.0.2.7");
		}
		assertThat(throttle.lockedUntil("an-untried-name", "192.0.2.7")).isPresent();
		assertThat(throttle.lockedUntil("an-untried-name", "192.0.2.8")).isEmpty();
	}

	@Test
	void anIpv6HostIsOneAddressAcrossItsSlash64() {
		for (int i = 0; i < SignInThrottle.ADDRESS_LIMIT; i++) {
			throttle.failed("name-" + i, "2001:db8:1:2::" + Integer.toHexString(i + 1));
		}
		assertThat(throttle.lockedUntil("an-untried-name", "2001:db8:1:2:ffff::1")).isPresent();
		assertThat(throttle.lockedUntil("an-untried-name", "2001:db8:1:3::1")).isEmpty();
	}

	@Test
	void aTrustedNetworkIsNotStoppedByAnAccountsLock() {
		for (int i = 0; i < 5; i++) {
			throttle.failed("admin", "198.51.100." + i);
		}
		assertThat(throttle.lockedUntil("admin", "198.51.100.9")).isPresent();
		assertThat(throttle.lockedUntil("admin", "10.9.3.4")).as("from the trusted network").isEmpty();
		throttle.succeeded("admin");
		assertThat(throttle.lockedUntil("admin", "198.51.100.9")).as("signed in: the count starts again").isEmpty();
	}

	@Test
	void aSprayOfMadeUpNamesNeitherClearsNorPushesOutAnAccountsFailures() {
		for (int i = 0; i < 4; i++) {
			throttle.failed("admin", "198.51.100.1");
		}
		for (int i = 0; i < 5; i++) {
			throttle.failed("victim", "198.51.100.2");
		}
		for (int i = 0; i < 10_000; i++) {
			throttle.failed("made-up-" + i, "203.0." + (i / 250) + "." + (i % 250));
		}
		assertThat(throttle.tracked()).as("names and addresses remembered").isLessThanOrEqualTo(200);
		assertThat(throttle.lockedUntil("victim", "198.51.100.3")).as("a locked account stays locked").isPresent();
		throttle.failed("admin", "198.51.100.1");
		assertThat(throttle.lockedUntil("admin", "198.51.100.3")).as("the fifth failure still locks").isPresent();
	}

	@Test
	void aNetworkThatIsNotOneIsRefusedAtStartUp() {
		assertThatThrownBy(() -> new SignInThrottle(List.of("10.0.0.0/99"), clock, 10))
			.hasMessageContaining("keyframe.identity.trusted-networks", "10.0.0.0/99");
	}

	@Test
	void memoryStaysBoundedWhenEveryoneFailsOnce() {
		for (int i = 0; i < 1000; i++) {
			throttle.failed("made-up-" + i, "203.0.113." + (i % 200));
			clock.set(clock.instant().plus(Duration.ofMillis(1)));
		}
		assertThat(throttle.tracked()).isLessThanOrEqualTo(200);
	}

}
