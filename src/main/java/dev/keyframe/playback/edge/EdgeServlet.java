package dev.keyframe.playback.edge;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The edge's one route, in CloudFront's order: the signature first (403 without a valid one, whether or not the
 * object exists), then the cache, then the origin. Answers GET, HEAD and CORS preflights; honours single byte
 * ranges and {@code If-None-Match}; passes the object's Content-Type and Cache-Control through and says how it
 * was served in {@code X-Cache} and {@code Age}, as CloudFront does.
 */
final class EdgeServlet extends HttpServlet {

	private static final Log log = LogFactory.getLog(EdgeServlet.class);

	/** The cache behaviour's path pattern: only media objects are behind the edge, never sources. */
	private static final Pattern MEDIA_KEY = Pattern.compile("^media/[0-9a-f-]{36}/[A-Za-z0-9._/-]{1,200}$");

	private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");

	private static final String VIA = "1.1 keyframe-edge";

	/** A low-latency part ({@code p_NNNNNN.ts}): a preload hint may name it before it exists. */
	private static final Pattern PART = Pattern.compile("/p_([0-9]{6,9})\\.ts$");

	/** A low-latency playlist's preload hint, with the number of the part it names. */
	private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p_([0-9]{6,9})\\.ts\"");

	/** How often a held request looks again. */
	static final long LOOK_AGAIN_MS = 50;

	/** How long a request for a part that is not there yet is held. */
	static final long PART_WAIT_MS = 3000;

	private final SignatureVerifier verifier;

	private final EdgeCache cache;

	private final EdgeSettings settings;

	private final Clock clock;

	private final MeterRegistry meters;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	/** The port the app's pages are served on (0 until it is known): the origin players read media from. */
	private final IntSupplier appPort;

	/** The "back soon" segments of continued live playlists. */
	private final SlateSegments slates;

	EdgeServlet(SignatureVerifier verifier, EdgeCache cache, EdgeSettings settings, Clock clock, MeterRegistry meters,
			IntSupplier appPort, SlateSegments slates) {
		this.appPort = appPort;
		this.slates = slates;
		this.verifier = verifier;
		this.cache = cache;
		this.settings = settings;
		this.clock = clock;
		this.meters = meters;
	}

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		try {
			answer(request, response);
		}
		catch (RuntimeException ex) {
			// a CDN's error says what went wrong, not which software it runs or where
			log.warn("The edge failed on " + request.getRequestURI() + ": " + ex);
			count("error");
			if (!response.isCommitted()) {
				response.reset();
				error(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "InternalError", "The edge failed");
			}
		}
	}

	private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String method = request.getMethod();
		cors(request, response);
		if ("OPTIONS".equals(method)) {
			response.setHeader("Access-Control-Allow-Methods", "GET, HEAD");
			response.setHeader("Access-Control-Allow-Headers", "Range, If-None-Match");
			response.setHeader("Access-Control-Max-Age", "86400");
			response.setStatus(HttpServletResponse.SC_NO_CONTENT);
			return;
		}
		if (!"GET".equals(method) && !"HEAD".equals(method)) {
			response.setHeader("Allow", "GET, HEAD, OPTIONS");
			error(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "MethodNotAllowed", "Only GET and HEAD");
			return;
		}
		String path = request.getRequestURI();
		String base = request.getScheme() + "://" + host(request) + path;
		SignatureVerifier.Decision decision;
		try {
			decision = verifier.verify(base, request.getQueryString(), cookies(request),
					InetAddress.getByName(request.getRemoteAddr()), clock.instant());
		}
		catch (IllegalArgumentException ex) {
			// a query string that does not decode, and the like: refused, like any other bad signature
			decision = SignatureVerifier.Decision.deny("MalformedPolicy", "Malformed signing parameters");
		}
		if (!decision.allowed()) {
			count("denied");
			error(response, HttpServletResponse.SC_FORBIDDEN, decision.code(), decision.reason());
			return;
		}
		String key = path.substring(1);
		// an empty or dot segment names no object any signer put there (and S3 would be asked for another key
		// than the one signed): no such object, not an origin error
		if (!MEDIA_KEY.matcher(key).matches() || key.contains("..") || key.contains("//") || key.endsWith("/")) {
			count("not_found");
			error(response, HttpServletResponse.SC_NOT_FOUND, "NoSuchKey", "No such object");
			return;
		}
		Matcher slate = BackSoon.SLATE.matcher(key);
		if (slate.find()) {
			serveSlate(Integer.parseInt(slate.group(1)), request, response);
			return;
		}
		BlockingReload blocking;
		try {
			blocking = key.endsWith(".m3u8") ? BlockingReload.of(request.getQueryString()) : null;
		}
		catch (IllegalArgumentException ex) {
			count("bad_request");
			error(response, HttpServletResponse.SC_BAD_REQUEST, "InvalidArgument", ex.getMessage());
			return;
		}
		EdgeCache.Lookup lookup;
		try {
			lookup = blocking != null ? held(key, blocking) : cache.get(key);
			if (!lookup.found() && PART.matcher(key).find() && hinted(key)) {
				lookup = awaited(key);
			}
		}
		catch (Refusal refusal) {
			count(refusal.status == HttpServletResponse.SC_BAD_REQUEST ? "bad_request" : "unavailable");
			error(response, refusal.status, refusal.code, refusal.getMessage());
			return;
		}
		catch (EdgeCache.OriginDown ex) {
			count("error");
			error(response, HttpServletResponse.SC_BAD_GATEWAY, "OriginError", "The origin did not answer");
			return;
		}
		catch (RuntimeException ex) {
			log.warn("The origin failed for " + key + ": " + ex.getMessage());
			count("error");
			error(response, HttpServletResponse.SC_BAD_GATEWAY, "OriginError", "The origin did not answer");
			return;
		}
		if (!lookup.found()) {
			count("not_found");
			error(response, HttpServletResponse.SC_NOT_FOUND, "NoSuchKey", "No such object");
			return;
		}
		EdgeCache.Entry continued = key.endsWith(".m3u8") ? backSoon(lookup) : null;
		if (continued != null) {
			count("back_soon");
			response.setHeader("X-Cache", "Error from keyframe-edge");
			response.setHeader("Via", VIA);
			serve(continued, request, response, "HEAD".equals(method));
			return;
		}
		count(lookup.source().name().toLowerCase(Locale.ROOT));
		response.setHeader("X-Cache", lookup.source().header + " from keyframe-edge");
		response.setHeader("Via", VIA);
		response.setHeader("Accept-Ranges", "bytes");
		if (lookup.entry() != null) {
			serve(lookup.entry(), request, response, "HEAD".equals(method));
		}
		else {
			stream(key, request, response, "HEAD".equals(method));
		}
	}

	/**
	 * A blocking playlist request (LL-HLS): looks at the playlist every {@value #LOOK_AGAIN_MS} ms until it holds what
	 * was asked for, for at most three target durations (then 503, as the spec asks: the player retries). Each look
	 * is a conditional request to the origin, collapsed with every other request waiting on the same playlist.
	 */
	private EdgeCache.Lookup held(String key, BlockingReload blocking) {
		long start = clock.millis();
		long deadline = -1;
		while (true) {
			EdgeCache.Lookup lookup = cache.get(key, LOOK_AGAIN_MS);
			if (lookup.entry() == null) {
				return lookup;
			}
			String playlist = StandardCharsets.UTF_8.decode(lookup.entry().body().duplicate()).toString();
			if (broken(lookup, BackSoon.read(playlist))) {
				// the breaker is open: the "back soon" playlist is answered at once, not held
				return lookup;
			}
			switch (blocking.answer(playlist)) {
				case READY -> {
					return lookup;
				}
				case TOO_FAR -> throw new Refusal(HttpServletResponse.SC_BAD_REQUEST, "InvalidArgument",
						"_HLS_msn is more than two segments ahead of the playlist");
				case WAIT -> {
					if (deadline < 0) {
						deadline = start + BlockingReload.holdMillis(playlist);
					}
				}
			}
			if (clock.millis() >= deadline) {
				throw new Refusal(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "ServiceUnavailable",
						"The playlist did not reach the asked segment in time");
			}
			pause();
		}
	}

	/**
	 * A part a preload hint named, asked for before the encoder finished it: held until it is in storage, for at
	 * most {@value #PART_WAIT_MS} ms (a part takes half a second to make), then 404. Each look is a request to the
	 * origin, shared with every other request for it.
	 */
	private EdgeCache.Lookup awaited(String key) {
		long deadline = clock.millis() + PART_WAIT_MS;
		EdgeCache.Lookup lookup;
		do {
			pause();
			lookup = cache.get(key);
		}
		while (!lookup.found() && clock.millis() < deadline);
		return lookup;
	}

	/**
	 * Whether the part is the one its playlist's preload hint names, or one of the two after (the edge's copy of the
	 * playlist may be a part or two older than the player's):
	 * only those are worth holding a request for; any other missing part is answered 404 at once.
	 */
	private boolean hinted(String key) {
		String playlistKey = key.substring(0, key.lastIndexOf('/') + 1) + "index.m3u8";
		EdgeCache.Lookup playlist = cache.get(playlistKey);
		if (playlist.entry() == null) {
			return false;
		}
		Matcher hint = HINT.matcher(
				StandardCharsets.UTF_8.decode(playlist.entry().body().duplicate()));
		Matcher asked = PART.matcher(key);
		if (!hint.find() || !asked.find()) {
			return false;
		}
		long hinted = Long.parseLong(hint.group(1));
		long number = Long.parseLong(asked.group(1));
		return number >= hinted && number <= hinted + 2;
	}

	private static void pause() {
		try {
			Thread.sleep(LOOK_AGAIN_MS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new Refusal(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "ServiceUnavailable", "The edge is stopping");
		}
	}

	/**
	 * The circuit breaker: a live playlist the origin failed for (served from the edge's copy) whose newest media
	 * is two target durations old (a player holding three segments back is about to run dry; a shorter failure is
	 * answered with the copy, unnoticed), or any live playlist older than the manifest age alarm, is answered with
	 * the "back soon" playlist, continued to now. Null for every other answer.
	 */
	private EdgeCache.@Nullable Entry backSoon(EdgeCache.Lookup lookup) {
		if (lookup.entry() == null) {
			return null;
		}
		BackSoon live = BackSoon.read(
				StandardCharsets.UTF_8.decode(lookup.entry().body().duplicate()).toString());
		if (live == null || !broken(lookup, live)) {
			return null;
		}
		long now = clock.millis();
		byte[] body = live.continued(clock.instant())
			.getBytes(StandardCharsets.UTF_8);
		return new EdgeCache.Entry(ByteBuffer.wrap(body).asReadOnlyBuffer(), lookup.entry().contentType(),
				BackSoon.CACHE_CONTROL, null, null, now, now);
	}

	private boolean broken(EdgeCache.Lookup lookup, @Nullable BackSoon live) {
		if (live == null) {
			return false;
		}
		Duration age = live.age(clock.instant());
		return lookup.source() == EdgeCache.Source.STALE && age.toSeconds() >= 2L * live.targetSeconds()
				|| age.compareTo(settings.liveStaleAfter()) > 0 && !beingWritten(lookup.entry(), live);
	}

	/**
	 * Whether the origin rewrote the playlist within two target durations: a transcoder that starts late works
	 * through the feed it missed and publishes old media fast. Its playlist is advancing, not stale.
	 */
	private boolean beingWritten(EdgeCache.Entry entry, BackSoon live) {
		if (entry.lastModified() == null) {
			return false;
		}
		try {
			java.time.Instant written = java.time.ZonedDateTime
				.parse(entry.lastModified(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
				.toInstant();
			return Duration.between(written, clock.instant()).toSeconds() < 2L * live.targetSeconds();
		}
		catch (java.time.format.DateTimeParseException ex) {
			return false;
		}
	}

	/** A slate segment of a continued playlist: from memory, never from the origin. */
	private void serveSlate(int millis, HttpServletRequest request, HttpServletResponse response) throws IOException {
		ByteBuffer body;
		try {
			body = slates.segment(millis);
		}
		catch (IllegalArgumentException ex) {
			count("not_found");
			error(response, HttpServletResponse.SC_NOT_FOUND, "NoSuchKey", "No such object");
			return;
		}
		count("back_soon");
		response.setHeader("X-Cache", "Hit from keyframe-edge");
		response.setHeader("Via", VIA);
		response.setHeader("Accept-Ranges", "bytes");
		long now = clock.millis();
		serve(new EdgeCache.Entry(body, "video/MP2T", "public, max-age=86400", null, null, now, now), request, response,
				"HEAD".equals(request.getMethod()));
	}

	/** An answer other than the object: its status, CloudFront's error code and message. */
	private static final class Refusal extends RuntimeException {

		private final int status;

		private final String code;

		Refusal(int status, String code, String message) {
			super(message, null, false, false);
			this.status = status;
			this.code = code;
		}

	}

	private void serve(EdgeCache.Entry entry, HttpServletRequest request, HttpServletResponse response, boolean head)
			throws IOException {
		response.setContentType(entry.contentType());
		if (entry.cacheControl() != null) {
			response.setHeader("Cache-Control", entry.cacheControl());
		}
		if (entry.contentDisposition() != null) {
			response.setHeader("Content-Disposition", entry.contentDisposition());
		}
		if (entry.etag() != null) {
			response.setHeader("ETag", entry.etag());
		}
		if (entry.lastModified() != null) {
			response.setHeader("Last-Modified", entry.lastModified());
		}
		response.setHeader("Age", String.valueOf(Math.max(0, (clock.millis() - entry.storedAt()) / 1000)));
		String ifNoneMatch = request.getHeader("If-None-Match");
		if (ifNoneMatch != null && entry.etag() != null
				&& (ifNoneMatch.equals("*") || ifNoneMatch.contains(entry.etag()))) {
			response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
			return;
		}
		int size = entry.body().capacity();
		long[] range = range(request.getHeader("Range"), size);
		if (range != null && range.length == 0) {
			response.setHeader("Content-Range", "bytes */" + size);
			error(response, HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE, "InvalidRange",
					"The requested range is not satisfiable");
			return;
		}
		int from = range == null ? 0 : (int) range[0];
		int length = range == null ? size : (int) (range[1] - range[0] + 1);
		if (range != null) {
			response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
			response.setHeader("Content-Range", "bytes " + range[0] + "-" + range[1] + "/" + size);
		}
		response.setContentLength(length);
		if (!head) {
			try {
				// a view of the shared buffer: position and limit are this response's own
				response.getOutputStream().write(entry.body().duplicate().limit(from + length).position(from));
			}
			catch (IOException ex) {
				// the viewer went away
			}
		}
	}

	/** An object too large to cache: this request reads it (or the range it asks for) from the origin. */
	private void stream(String key, HttpServletRequest request, HttpServletResponse response, boolean head)
			throws IOException {
		String range = request.getHeader("Range");
		ResponseInputStream<GetObjectResponse> object;
		try {
			object = cache.stream(key, range != null && RANGE.matcher(range).matches() ? range : null);
		}
		catch (software.amazon.awssdk.services.s3.model.S3Exception ex) {
			if (ex.statusCode() == 416) {
				error(response, HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE, "InvalidRange",
						"The requested range is not satisfiable");
				return;
			}
			throw ex;
		}
		if (object == null) {
			error(response, HttpServletResponse.SC_NOT_FOUND, "NoSuchKey", "No such object");
			return;
		}
		GetObjectResponse meta = object.response();
		response.setContentType(meta.contentType());
		if (meta.cacheControl() != null) {
			response.setHeader("Cache-Control", meta.cacheControl());
		}
		if (meta.contentDisposition() != null) {
			response.setHeader("Content-Disposition", meta.contentDisposition());
		}
		if (meta.eTag() != null) {
			response.setHeader("ETag", meta.eTag());
		}
		if (meta.contentRange() != null) {
			response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
			response.setHeader("Content-Range", meta.contentRange());
		}
		if (meta.contentLength() != null) {
			response.setContentLengthLong(meta.contentLength());
		}
		try {
			if (!head) {
				object.transferTo(response.getOutputStream());
			}
			else {
				object.abort();
			}
			object.close();
		}
		catch (IOException ex) {
			// the viewer went away: drop the origin connection instead of reading the rest of the object
			object.abort();
		}
	}

	/**
	 * A single byte range as {@code [first, last]}; an empty array when it cannot be satisfied; null for no range,
	 * or one the edge answers with the whole object (several ranges, or one it cannot parse), as HTTP allows.
	 */
	static long @Nullable [] range(@Nullable String header, long size) {
		if (header == null) {
			return null;
		}
		Matcher m = RANGE.matcher(header.strip());
		if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
			return null;
		}
		try {
			if (m.group(1).isEmpty()) {
				long suffix = Long.parseLong(m.group(2));
				if (suffix == 0 || size == 0) {
					return new long[0];
				}
				return new long[] { Math.max(0, size - suffix), size - 1 };
			}
			long first = Long.parseLong(m.group(1));
			if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
				return null; // not a valid range: ignored, the whole object is sent (RFC 9110, 14.2)
			}
			if (first >= size) {
				return new long[0];
			}
			long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
			return new long[] { first, last };
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/** Lets players on allowed pages read media with the viewer's cookies. */
	private void cors(HttpServletRequest request, HttpServletResponse response) {
		String origin = request.getHeader("Origin");
		response.addHeader("Vary", "Origin");
		if (origin == null || !allowed(origin, request)) {
			return;
		}
		response.setHeader("Access-Control-Allow-Origin", origin);
		response.setHeader("Access-Control-Allow-Credentials", "true");
		response.setHeader("Access-Control-Expose-Headers", "Content-Length, Content-Range, Age, X-Cache");
	}

	/**
	 * The configured origins; without any, only the app's own pages: http or https on the edge's host name and the
	 * app's port. Never a {@code file://} page, another port of the same host, or an opaque {@code null} origin.
	 */
	boolean allowed(String origin, HttpServletRequest request) {
		if (!settings.allowedOrigins().isEmpty()) {
			return settings.allowedOrigins().contains(origin);
		}
		try {
			URI uri = URI.create(origin);
			String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
			if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
					|| !uri.getHost().equalsIgnoreCase(request.getServerName())) {
				return false;
			}
			int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
			int app = appPort.getAsInt();
			return app > 0 && port == app;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static String host(HttpServletRequest request) {
		String host = request.getHeader("Host");
		if (host != null && !host.isBlank()) {
			return host;
		}
		int port = request.getServerPort();
		return request.getServerName() + (port == 80 || port == 443 ? "" : ":" + port);
	}

	private static Map<String, String> cookies(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (cookies == null) {
			return Map.of();
		}
		Map<String, String> byName = new HashMap<>();
		for (Cookie cookie : cookies) {
			byName.putIfAbsent(cookie.getName(), cookie.getValue());
		}
		return byName;
	}

	/** CloudFront's error document. */
	private static void error(HttpServletResponse response, int status, String code, String message)
			throws IOException {
		response.setStatus(status);
		response.setContentType("text/xml");
		response.setHeader("Cache-Control", "no-store");
		response.setHeader("Via", VIA);
		response.setHeader("X-Cache", "Error from keyframe-edge");
		String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>"
				+ message.replace("&", "&amp;").replace("<", "&lt;") + "</Message></Error>";
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		response.setContentLength(bytes.length);
		response.getOutputStream().write(bytes);
	}

	private void count(String result) {
		counters.computeIfAbsent(result, value -> Counter.builder("keyframe.edge.requests")
			.description("Requests the edge answered, by result")
			.tag("result", value)
			.register(meters)).increment();
	}

}
