package dev.keyframe.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Talks to a running Keyframe over HTTP the way a browser does: JSON to the API, file bytes straight to the
 * presigned part URLs.
 */
public class KeyframeClient {

	/** Keeps cookies (a session) only once signed in with the form, as a browser would. */
	private final java.net.CookieManager cookies = new java.net.CookieManager();

	private boolean keepCookies;

	private final HttpClient http;

	private final java.net.CookieHandler cookieHandler = new java.net.CookieHandler() {
			@Override
			public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
				return keepCookies ? cookies.get(uri, headers) : Map.of();
			}

			@Override
			public void put(URI uri, Map<String, List<String>> headers) throws IOException {
				if (keepCookies) {
					cookies.put(uri, headers);
				}
			}
		};

	private final ObjectMapper json = new ObjectMapper();

	private final String base;

	private final String token;

	/** A client that signs its API calls with a personal API token (empty for anonymous calls). */
	public KeyframeClient(int port, String token) {
		this(port, token, null);
	}

	/**
	 * A client whose requests come from {@code from}, a loopback address such as 127.0.0.5: for tests of what
	 * the app does by client address (sign-in throttling), kept apart from every other test's 127.0.0.1.
	 */
	public KeyframeClient(int port, String token, @org.jspecify.annotations.Nullable String from) {
		this.base = "http://127.0.0.1:" + port;
		this.token = token;
		HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).cookieHandler(cookieHandler);
		if (from != null) {
			try {
				builder.localAddress(java.net.InetAddress.getByName(from));
			}
			catch (java.net.UnknownHostException ex) {
				throw new IllegalArgumentException(ex);
			}
		}
		this.http = builder.build();
	}

	/** Signs in with the sign-in form, as a browser does; the session cookie is kept for later requests. */
	public KeyframeClient signIn(String username, String password) {
		String location = signInAnswer(username, password);
		assertThat(location).as("signed in, not sent back to the form").doesNotContain("/login");
		return this;
	}

	/** Submits the sign-in form and returns where it redirects to. */
	public String signInAnswer(String username, String password) {
		keepCookies = true;
		Response form = page("/login");
		java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
			.matcher(form.body());
		assertThat(csrf.find()).as("the sign-in form carries a CSRF token").isTrue();
		String body = "username=" + java.net.URLEncoder.encode(username, java.nio.charset.StandardCharsets.UTF_8)
				+ "&password=" + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8)
				+ "&_csrf=" + java.net.URLEncoder.encode(csrf.group(1), java.nio.charset.StandardCharsets.UTF_8);
		Response signedIn = send(HttpRequest.newBuilder(URI.create(base + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
		assertThat(signedIn.status()).isEqualTo(302);
		return signedIn.header("Location");
	}

	/** A client for the bootstrap admin of an application context, with a fresh API token. */
	public static KeyframeClient admin(int port, dev.keyframe.identity.Accounts accounts) {
		var admin = accounts.user("admin").orElseThrow();
		return new KeyframeClient(port, accounts.issueToken(admin.id(), "tests").secret());
	}

	public String base() {
		return base;
	}

	public Response post(String path, Object body) {
		return send(HttpRequest.newBuilder(URI.create(base + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
	}

	public Response put(String path, Object body) {
		return send(HttpRequest.newBuilder(URI.create(base + path))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
	}

	/** A POST of a body exactly as given, as JSON: for bodies a mapper would not write (malformed ones). */
	public Response postJson(String path, String body) {
		return send(HttpRequest.newBuilder(URI.create(base + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)));
	}

	/** A request with a JSON body: PUT, PATCH. */
	public Response send(String method, String path, Object body) {
		return send(HttpRequest.newBuilder(URI.create(base + path))
			.header("Content-Type", "application/json")
			.method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
	}

	public Response get(String path) {
		return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
	}

	/** A request whose whole body is a file, as a browser sends a {@code File}: a captions file. */
	public Response sendFile(String method, String path, byte[] file, String contentType) {
		return send(HttpRequest.newBuilder(URI.create(base + path))
			.header("Content-Type", contentType)
			.method(method, HttpRequest.BodyPublishers.ofByteArray(file)));
	}

	/** A GET as a browser makes it, asking for HTML. */
	public Response page(String path) {
		return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html").GET());
	}

	public Response get(String path, String range) {
		return send(HttpRequest.newBuilder(URI.create(base + path)).header("Range", range).GET());
	}

	public Response head(String path) {
		return send(HttpRequest.newBuilder(URI.create(base + path)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
	}

	/** A GET that only reads the status and headers: for streams that do not end (server-sent events). */
	public Response headersOnly(String path) {
		HttpRequest.Builder request = authorized(HttpRequest.newBuilder(URI.create(base + path)).GET());
		try {
			HttpResponse<java.io.InputStream> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofInputStream());
			response.body().close();
			return new Response(response.statusCode(), "", response.headers().map(), json);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A playback grant for an asset: the signed master URL and the signed cookies. */
	public JsonNode grant(String assetId) {
		Response grant = get("/api/playback/" + assetId);
		assertThat(grant.status()).as("grant: " + grant.body()).isEqualTo(200);
		return grant.json();
	}

	/** The Cookie header a browser sends to the CDN after taking a grant. */
	public static String cookies(JsonNode grant) {
		Map<String, String> values = new java.util.LinkedHashMap<>();
		grant.get("cookies").properties().forEach(e -> values.put(e.getKey(), e.getValue().asString()));
		return cookies(values);
	}

	/** The Cookie header for a grant's cookies, by name. */
	public static String cookies(Map<String, String> values) {
		return values.entrySet()
			.stream()
			.map(cookie -> cookie.getKey() + "=" + cookie.getValue())
			.collect(java.util.stream.Collectors.joining("; "));
	}

	/**
	 * A request to the CDN (the local edge) at an absolute URL, with a Cookie header when {@code cookie} is not
	 * empty, and any further headers as name, value pairs. Never carries the app's credentials.
	 */
	public Response edgeRequest(String method, String url, String cookie, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (!cookie.isEmpty()) {
			request.header("Cookie", cookie);
		}
		for (int i = 0; i + 1 < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		HttpResponse<String> response = sendRaw(request);
		return new Response(response.statusCode(), response.body(), response.headers().map(), json);
	}

	public Response edge(String url, String cookie, String... headers) {
		return edgeRequest("GET", url, cookie, headers);
	}

	public Response delete(String path) {
		return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
	}

	/** Starts an upload for a file. */
	public JsonNode start(Path file, String contentType, String title) throws IOException {
		Response started = post("/api/uploads", Map.of("filename", file.getFileName().toString(), "size",
				Files.size(file), "contentType", contentType, "title", title));
		assertThat(started.status()).as(started.body()).isEqualTo(201);
		return started.json();
	}

	/** PUTs one part's bytes to its presigned URL; returns the ETag storage answered with. */
	public String putPart(Path file, JsonNode upload, int partNumber) throws IOException {
		long partSize = upload.get("partSize").asLong();
		long offset = (partNumber - 1) * partSize;
		long length = Math.min(partSize, Files.size(file) - offset);
		byte[] bytes = new byte[(int) length];
		try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
			raf.seek(offset);
			raf.readFully(bytes);
		}
		String url = null;
		for (JsonNode part : upload.get("parts")) {
			if (part.get("partNumber").asInt() == partNumber) {
				url = part.get("url").asString();
			}
		}
		assertThat(url).as("presigned URL for part " + partNumber).isNotNull();
		HttpResponse<String> response = sendRaw(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/octet-stream")
			.PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.headers().firstValue("ETag").orElseThrow();
	}

	/** PUTs bytes to a presigned URL as a browser does; returns storage's answer. */
	public Response putBytes(String url, byte[] bytes) {
		HttpResponse<String> response = sendRaw(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/octet-stream")
			.PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
		return new Response(response.statusCode(), response.body(), response.headers().map(), json);
	}

	public Response complete(JsonNode upload, List<Map<String, Object>> parts) {
		return post("/api/uploads/" + upload.get("uploadId").asString() + "/complete", Map.of("parts", parts));
	}

	/** Uploads a whole file in parts and completes it; returns the completion answer. */
	public JsonNode upload(Path file, String contentType, String title) throws IOException {
		JsonNode upload = start(file, contentType, title);
		List<Map<String, Object>> parts = new ArrayList<>();
		for (int n = 1; n <= upload.get("partCount").asInt(); n++) {
			parts.add(Map.of("partNumber", n, "etag", putPart(file, upload, n)));
		}
		Response completed = complete(upload, parts);
		assertThat(completed.status()).as(completed.body()).isEqualTo(200);
		return completed.json();
	}

	public JsonNode asset(String id) {
		Response response = get("/api/assets/" + id);
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		return response.json();
	}

	public JsonNode awaitAsset(String id, Duration timeout, Predicate<JsonNode> condition) {
		return Awaitility.await()
			.atMost(timeout)
			.pollInterval(Duration.ofMillis(250))
			.until(() -> asset(id), condition);
	}

	public static Predicate<JsonNode> status(String status) {
		return asset -> {
			String now = asset.get("status").asString();
			if (now.equals("FAILED") && !status.equals("FAILED")) {
				throw new AssertionError("Asset failed: " + asset);
			}
			return now.equals(status);
		};
	}

	private HttpRequest.Builder authorized(HttpRequest.Builder request) {
		return token.isEmpty() ? request : request.header("Authorization", "Bearer " + token);
	}

	private Response send(HttpRequest.Builder request) {
		HttpResponse<String> response = sendRaw(authorized(request));
		return new Response(response.statusCode(), response.body(), response.headers().map(), json);
	}

	private HttpResponse<String> sendRaw(HttpRequest.Builder request) {
		try {
			return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sends bytes as they are, over a plain socket, to a server on this host: for requests an HTTP client will not
	 * make (a NUL in the path, a header larger than any server accepts). The request should ask to close.
	 */
	public static Response raw(int port, String request) {
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
			int end = answer.indexOf("\r\n\r\n");
			String head = end < 0 ? answer : answer.substring(0, end);
			String body = end < 0 ? "" : answer.substring(end + 4);
			String[] lines = head.split("\r\n");
			Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				if (colon > 0) {
					headers.computeIfAbsent(lines[i].substring(0, colon).strip(), name -> new ArrayList<>())
						.add(lines[i].substring(colon + 1).strip());
				}
			}
			int status = lines[0].startsWith("HTTP/") ? Integer.parseInt(lines[0].split(" ")[1]) : 0;
			return new Response(status, body, headers, new ObjectMapper());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public record Response(int status, String body, Map<String, List<String>> headers, ObjectMapper mapper) {

		public JsonNode json() {
			return mapper.readTree(body);
		}

		public String header(String name) {
			return headers.entrySet()
				.stream()
				.filter(e -> e.getKey().equalsIgnoreCase(name))
				.map(e -> e.getValue().get(0))
				.findFirst()
				.orElse(null);
		}

	}

}
