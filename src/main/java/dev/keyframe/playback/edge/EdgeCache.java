package dev.keyframe.playback.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.keyframe.platform.ObjectStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The edge's object cache in front of the origin (the bucket). Objects are kept in memory for as long as their
 * Cache-Control allows ({@code s-maxage}, else {@code max-age}; never with {@code no-store} or {@code private}),
 * least recently used first out when the cache is full. A stale object is revalidated with its ETag, so an
 * unchanged playlist costs the origin a 304 and no body.
 * <p>
 * Concurrent misses for one object are collapsed: the first request fetches it, the others wait for that fetch
 * and share its result, so a new segment that a thousand viewers ask for at once costs the origin one GET.
 */
final class EdgeCache {

	/** How an object was found: in the cache, fetched now, revalidated, or shared from another request's fetch. */
	enum Source {

		HIT("Hit"), MISS("Miss"), REFRESH_HIT("RefreshHit"), COLLAPSED("Miss"), STALE("Hit");

		final String header;

		Source(String header) {
			this.header = header;
		}

	}

	/**
	 * One object as the edge serves it. The body is off-heap and read-only, so the servlet container writes it to
	 * the socket without copying it first.
	 */
	record Entry(ByteBuffer body, @Nullable String contentType, @Nullable String cacheControl, @Nullable String etag,
			@Nullable String lastModified, long storedAt, long freshUntil, @Nullable String contentDisposition) {

		/** An object served inline (no {@code Content-Disposition}). */
		Entry(ByteBuffer body, @Nullable String contentType, @Nullable String cacheControl, @Nullable String etag,
				@Nullable String lastModified, long storedAt, long freshUntil) {
			this(body, contentType, cacheControl, etag, lastModified, storedAt, freshUntil, null);
		}

	}

	/**
	 * The answer for one request: an entry, or a stream for an object too large to keep (each such request reads
	 * the origin itself), or neither when the object does not exist.
	 */
	record Lookup(@Nullable Entry entry, boolean tooLarge, Source source) {

		boolean found() {
			return entry != null || tooLarge;
		}

	}

	/** How long a request waits for another request's origin fetch before it gives up with an error. */
	private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(60);

	private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

	private final ObjectStorage origin;

	private final EdgeSettings settings;

	private final Clock clock;

	private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);

	private long bytes;

	private final Map<String, CompletableFuture<Lookup>> inFlight = new ConcurrentHashMap<>();

	/** Objects the origin failed for, with when it may be asked again (epoch ms): the breaker of each object. */
	private final Map<String, Long> failedUntil = new ConcurrentHashMap<>();

	/** Open breakers past which the closed ones are swept out (each is a key and a number). */
	private static final int MAX_FAILED = 4096;

	private final MeterRegistry meters;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	private final Counter collapsed;

	EdgeCache(ObjectStorage origin, EdgeSettings settings, Clock clock, MeterRegistry meters) {
		this.origin = origin;
		this.settings = settings;
		this.clock = clock;
		this.meters = meters;
		this.collapsed = Counter.builder("keyframe.edge.collapsed")
			.description("Edge requests that waited for another request's origin fetch instead of making their own")
			.register(meters);
		Gauge.builder("keyframe.edge.cache.bytes", this, EdgeCache::size)
			.description("Bytes of objects the edge holds")
			.baseUnit("bytes")
			.register(meters);
	}

	Lookup get(String key) {
		return get(key, Long.MAX_VALUE);
	}

	/**
	 * The object, from the cache only when it is fresh and was fetched at most {@code maxAgeMillis} ago (a blocking
	 * playlist request looks again every few tens of milliseconds, sooner than its max-age would).
	 */
	Lookup get(String key, long maxAgeMillis) {
		Entry cached = cached(key);
		if (cached != null && fresh(cached, maxAgeMillis)) {
			return new Lookup(cached, false, Source.HIT);
		}
		Long failed = failedUntil.get(key);
		if (failed != null && clock.millis() < failed) {
			// the origin failed for it a moment ago: not asked again before the error's TTL is up
			if (cached != null) {
				return new Lookup(cached, false, Source.STALE);
			}
			throw new OriginDown(key);
		}
		CompletableFuture<Lookup> mine = new CompletableFuture<>();
		CompletableFuture<Lookup> running = inFlight.putIfAbsent(key, mine);
		if (running != null) {
			collapsed.increment();
			try {
				Lookup shared = running.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
				return new Lookup(shared.entry(), shared.tooLarge(), Source.COLLAPSED);
			}
			catch (ExecutionException ex) {
				throw ex.getCause() instanceof RuntimeException cause ? cause
						: new IllegalStateException("The origin fetch failed", ex.getCause());
			}
			catch (TimeoutException ex) {
				throw new IllegalStateException("The origin fetch of " + key + " took longer than " + WAIT, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for the origin", ex);
			}
		}
		try {
			// a fetch that finished between the first look and taking the lead has stored it already
			Entry now = cached(key);
			Lookup found = now != null && fresh(now, maxAgeMillis) ? new Lookup(now, false, Source.HIT)
					: fetch(key, cached);
			mine.complete(found);
			failedUntil.remove(key);
			return found;
		}
		catch (RuntimeException ex) {
			failed(key);
			if (cached != null) {
				// the origin is unreachable: a stale copy is better than an error (CloudFront does the same)
				Lookup stale = new Lookup(cached, false, Source.STALE);
				mine.complete(stale);
				return stale;
			}
			mine.completeExceptionally(ex);
			throw ex;
		}
		catch (Error ex) {
			// whatever happens to the leader, the requests waiting on it must not wait forever
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			inFlight.remove(key, mine);
		}
	}

	/** Opens the object's breaker for the error TTL; the ones that closed are forgotten once there are many. */
	private void failed(String key) {
		long now = clock.millis();
		if (failedUntil.size() >= MAX_FAILED) {
			failedUntil.values().removeIf(until -> until <= now);
		}
		failedUntil.put(key, now + settings.errorTtl().toMillis());
	}

	/** The origin failed for this object within the error TTL: it was not asked again. */
	static final class OriginDown extends RuntimeException {

		OriginDown(String key) {
			super("The origin failed for " + key + " a moment ago", null, false, false);
		}

	}

	private boolean fresh(Entry entry, long maxAgeMillis) {
		long now = clock.millis();
		return now < entry.freshUntil() && now - entry.storedAt() <= maxAgeMillis;
	}

	/** Opens an object too large to cache, for one request, optionally a byte range. */
	@Nullable ResponseInputStream<GetObjectResponse> stream(String key, @Nullable String range) {
		count("ok");
		return origin.open(key, range).orElse(null);
	}

	private Lookup fetch(String key, @Nullable Entry stale) {
		ObjectStorage.Read read;
		try {
			read = origin.openIfChanged(key, stale == null ? null : stale.etag());
		}
		catch (RuntimeException ex) {
			count("error");
			throw ex;
		}
		long now = clock.millis();
		if (read.unchanged() && stale != null) {
			count("not_modified");
			Entry refreshed = new Entry(stale.body(), stale.contentType(), stale.cacheControl(), stale.etag(),
					stale.lastModified(), now, now + ttlMillis(stale.cacheControl()), stale.contentDisposition());
			store(key, refreshed);
			return new Lookup(refreshed, false, Source.REFRESH_HIT);
		}
		if (read.object() == null) {
			count("not_found");
			remove(key);
			return new Lookup(null, false, Source.MISS);
		}
		try (ResponseInputStream<GetObjectResponse> object = read.object()) {
			GetObjectResponse meta = object.response();
			if (meta.contentLength() != null && meta.contentLength() > settings.maxObjectSize().toBytes()) {
				// each request for it streams it from the origin, and counts its own fetch (stream)
				object.abort();
				return new Lookup(null, true, Source.MISS);
			}
			byte[] bytes = object.readAllBytes();
			ByteBuffer body = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
			count("ok");
			String cacheControl = meta.cacheControl();
			Entry entry = new Entry(body, meta.contentType(), cacheControl, meta.eTag(),
					meta.lastModified() == null ? null : HTTP_DATE.format(meta.lastModified()), now,
					now + ttlMillis(cacheControl), meta.contentDisposition());
			if (storable(cacheControl)) {
				store(key, entry);
			}
			return new Lookup(entry, false, Source.MISS);
		}
		catch (IOException ex) {
			count("error");
			throw new UncheckedIOException(ex);
		}
	}

	private void count(String outcome) {
		counters.computeIfAbsent(outcome, value -> Counter.builder("keyframe.edge.origin.fetches")
			.description("GETs the edge sent to the origin, by outcome")
			.tag("outcome", value)
			.register(meters)).increment();
	}

	/** How long an object may be served without asking the origin again. */
	long ttlMillis(@Nullable String cacheControl) {
		if (cacheControl == null || cacheControl.isBlank()) {
			return settings.defaultTtl().toMillis();
		}
		Long maxAge = null;
		Long sharedMaxAge = null;
		for (String directive : cacheControl.toLowerCase(Locale.ROOT).split(",")) {
			String d = directive.strip();
			if (d.equals("no-cache") || d.equals("no-store") || d.equals("private")) {
				return 0;
			}
			if (d.startsWith("s-maxage=")) {
				sharedMaxAge = seconds(d.substring("s-maxage=".length()));
			}
			else if (d.startsWith("max-age=")) {
				maxAge = seconds(d.substring("max-age=".length()));
			}
		}
		Long ttl = sharedMaxAge != null ? sharedMaxAge : maxAge;
		return ttl == null ? settings.defaultTtl().toMillis() : ttl * 1000;
	}

	private static @Nullable Long seconds(String value) {
		try {
			return Math.max(0, Long.parseLong(value.replace("\"", "")));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static boolean storable(@Nullable String cacheControl) {
		if (cacheControl == null) {
			return true;
		}
		String cc = cacheControl.toLowerCase(Locale.ROOT);
		return !cc.contains("no-store") && !cc.contains("private");
	}

	private synchronized @Nullable Entry cached(String key) {
		return entries.get(key);
	}

	private synchronized void store(String key, Entry entry) {
		long limit = settings.cacheSize().toBytes();
		if (entry.body().capacity() > limit) {
			return;
		}
		Entry previous = entries.put(key, entry);
		bytes += entry.body().capacity() - (previous == null ? 0 : previous.body().capacity());
		var eldest = entries.entrySet().iterator();
		while (bytes > limit && eldest.hasNext()) {
			Entry evicted = eldest.next().getValue();
			eldest.remove();
			bytes -= evicted.body().capacity();
		}
	}

	private synchronized void remove(String key) {
		Entry removed = entries.remove(key);
		if (removed != null) {
			bytes -= removed.body().capacity();
		}
	}

	synchronized long size() {
		return bytes;
	}

}
