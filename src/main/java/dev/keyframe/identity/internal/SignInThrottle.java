package dev.keyframe.identity.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing: after {@value #LIMIT} failed sign-ins for one account within the window, the
 * account cannot sign in for the rest of the window. Kept per instance; behind a load balancer each instance
 * counts its own, which still caps guessing at a handful per window and instance.
 */
@Component
public class SignInThrottle {

	static final int LIMIT = 5;

	static final Duration WINDOW = Duration.ofMinutes(15);

	private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

	private final Clock clock;

	SignInThrottle(Optional<Clock> clock) {
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/** When the account may try again, if it is locked now. */
	public Optional<Instant> lockedUntil(String username) {
		Deque<Instant> recent = failures.get(key(username));
		if (recent == null) {
			return Optional.empty();
		}
		synchronized (recent) {
			prune(recent);
			return recent.size() >= LIMIT ? Optional.of(recent.peekLast().plus(WINDOW)) : Optional.empty();
		}
	}

	@EventListener
	void failed(AuthenticationFailureBadCredentialsEvent event) {
		Deque<Instant> recent = failures.computeIfAbsent(key(event.getAuthentication().getName()),
				name -> new ArrayDeque<>());
		synchronized (recent) {
			prune(recent);
			recent.addLast(clock.instant());
		}
		if (failures.size() > 100_000) {
			failures.clear(); // bounded memory under a spray of made-up user names
		}
	}

	@EventListener
	void succeeded(AuthenticationSuccessEvent event) {
		failures.remove(key(event.getAuthentication().getName()));
	}

	private void prune(Deque<Instant> recent) {
		Instant since = clock.instant().minus(WINDOW);
		while (!recent.isEmpty() && recent.peekFirst().isBefore(since)) {
			recent.removeFirst();
		}
	}

	private static String key(String username) {
		return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
	}

}
