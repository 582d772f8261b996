package dev.keyframe.identity.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * Slows password guessing, by account and by client address, without telling which accounts exist.
 * <ul>
 * <li>After {@value #ACCOUNT_LIMIT} failed sign-ins for one name within the window, that name cannot sign in
 * for {@link #WINDOW} from its last failure, whether or not an account has the name (the answer is the
 * same).</li>
 * <li>After {@value #ADDRESS_LIMIT} failed sign-ins from one client address (for IPv6, one /64) within the
 * window, nothing signs in from it for the same time: a spray of names from one place stops there.</li>
 * <li>Addresses in the trusted networks are not stopped by an account's lock, so an admin whose account
 * someone locked from outside still gets in from the operators' network or the host.</li>
 * </ul>
 * Memory is bounded: each table holds at most {@code capacity} keys and, when full, forgets first the keys
 * with the fewest recent failures (then the oldest), so names made up by the thousand push out each other,
 * never the counters of an account under attack. A locked attempt is not counted again. Kept per instance;
 * behind a load balancer each instance counts its own, and a restart forgets them.
 */
public class SignInThrottle {

	static final int ACCOUNT_LIMIT = 5;

	static final int ADDRESS_LIMIT = 20;

	static final Duration WINDOW = Duration.ofMinutes(15);

	static final int CAPACITY = 100_000;

	private final Failures accounts;

	private final Failures addresses;

	private final List<IpAddressMatcher> trusted;

	private final Clock clock;

	SignInThrottle(List<String> trustedNetworks, Clock clock, int capacity) {
		this.clock = clock;
		this.accounts = new Failures(ACCOUNT_LIMIT, capacity);
		this.addresses = new Failures(ADDRESS_LIMIT, capacity);
		this.trusted = trustedNetworks.stream().map(String::strip).filter(n -> !n.isEmpty()).map(network -> {
			try {
				return new IpAddressMatcher(network);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("keyframe.identity.trusted-networks: \u201C" + network
						+ "\u201D is not an address or a network such as 10.0.0.0/8 or fd00::/8", ex);
			}
		}).toList();
	}

	/**
	 * When a sign-in as {@code username} from {@code address} may be tried again, if it may not be now: the name
	 * is locked (unless the address is trusted), or the address is.
	 */
	public Optional<Instant> lockedUntil(@Nullable String username, @Nullable String address) {
		Instant now = clock.instant();
		Optional<Instant> byAddress = addresses.lockedUntil(addressKey(address), now);
		if (byAddress.isPresent() || trusted(address)) {
			return byAddress;
		}
		return accounts.lockedUntil(accountKey(username), now);
	}

	/** A sign-in failed for a wrong name or password. */
	public void failed(@Nullable String username, @Nullable String address) {
		Instant now = clock.instant();
		accounts.failed(accountKey(username), now);
		addresses.failed(addressKey(address), now);
	}

	/** A sign-in succeeded: the account's failures are forgotten (the address's are not). */
	public void succeeded(@Nullable String username) {
		accounts.forget(accountKey(username));
	}

	/** How many names and addresses the throttle remembers now. */
	int tracked() {
		return accounts.size() + addresses.size();
	}

	boolean trusted(@Nullable String address) {
		if (address == null || trusted.isEmpty()) {
			return false;
		}
		try {
			return trusted.stream().anyMatch(network -> network.matches(address));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static String accountKey(@Nullable String username) {
		return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
	}

	/** The address, or for IPv6 its /64: one host usually has a whole /64 to pick addresses from. */
	static String addressKey(@Nullable String address) {
		if (address == null || address.isBlank()) {
			return "";
		}
		try {
			InetAddress parsed = address.matches("[0-9a-fA-F:.%]+") ? InetAddress.getByName(address) : null;
			if (parsed instanceof Inet6Address) {
				byte[] bytes = parsed.getAddress();
				java.util.Arrays.fill(bytes, 8, 16, (byte) 0);
				return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
			}
			return parsed == null ? address : parsed.getHostAddress();
		}
		catch (UnknownHostException ex) {
			return address;
		}
	}

	/** Recent failures by key, at most {@code capacity} keys; each key keeps at most {@code limit} times. */
	static final class Failures {

		private final int limit;

		private final int capacity;

		private final Map<String, Deque<Instant>> byKey = new HashMap<>();

		Failures(int limit, int capacity) {
			this.limit = limit;
			this.capacity = capacity;
		}

		synchronized Optional<Instant> lockedUntil(String key, Instant now) {
			Deque<Instant> recent = byKey.get(key);
			if (recent == null) {
				return Optional.empty();
			}
			prune(recent, now);
			return recent.size() >= limit ? Optional.of(recent.peekLast().plus(WINDOW)) : Optional.empty();
		}

		synchronized void failed(String key, Instant now) {
			Deque<Instant> recent = byKey.get(key);
			if (recent == null) {
				if (byKey.size() >= capacity) {
					makeRoom(now);
				}
				recent = new ArrayDeque<>(limit);
				byKey.put(key, recent);
			}
			prune(recent, now);
			recent.addLast(now);
			while (recent.size() > limit) {
				recent.removeFirst();
			}
		}

		synchronized void forget(String key) {
			byKey.remove(key);
		}

		synchronized int size() {
			return byKey.size();
		}

		/**
		 * Forgets what is past the window; if that is not enough, a hundredth of the table (at least one key),
		 * fewest failures first, then oldest last failure: what a spray of made-up names fills the table with.
		 */
		private void makeRoom(Instant now) {
			byKey.values().forEach(recent -> prune(recent, now));
			byKey.values().removeIf(Deque::isEmpty);
			if (byKey.size() < capacity) {
				return;
			}
			List<Map.Entry<String, Deque<Instant>>> entries = new ArrayList<>(byKey.entrySet());
			entries.sort(Comparator.comparingInt((Map.Entry<String, Deque<Instant>> e) -> e.getValue().size())
				.thenComparing(e -> e.getValue().peekLast()));
			int evict = Math.max(1, capacity / 100) + byKey.size() - capacity;
			for (int i = 0; i < evict && i < entries.size(); i++) {
				byKey.remove(entries.get(i).getKey());
			}
		}

		private static void prune(Deque<Instant> recent, Instant now) {
			Instant since = now.minus(WINDOW);
			while (!recent.isEmpty() && !recent.peekFirst().isAfter(since)) {
				recent.removeFirst();
			}
		}

	}

}
