package dev.keyframe.playback;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.keyframe.KeyframeIntegrationTest;
import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.NewAsset;
import dev.keyframe.catalog.Visibility;
import dev.keyframe.identity.Accounts;
import dev.keyframe.identity.Role;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.platform.StorageSettings;
import dev.keyframe.playback.internal.CdnSigner;
import dev.keyframe.support.KeyframeClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/**
 * Signed delivery end to end over the real stand-ins: the local edge in front of the private bucket, signatures
 * made by the app's signer, and who is given them.
 */
@KeyframeIntegrationTest
class PlaybackIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	ObjectStorage storage;

	@Autowired
	StorageSettings storageSettings;

	@Autowired
	CdnSigner signer;

	@Autowired
	CdnSettings cdn;

	@Autowired
	AssetManagement assets;

	@Autowired
	Accounts accounts;

	@Autowired
	MeterRegistry meters;

	KeyframeClient client;

	@BeforeEach
	void client() {
		client = new KeyframeClient(port, "");
	}

	@Test
	void segmentsAndPlaylistsKeepTheirCacheHeadersThroughTheEdge() {
		AssetId asset = AssetId.of(UUID.randomUUID().toString());
		String prefix = "media/" + asset + "/";
		byte[] segment = random(300_000);
		storage.put(prefix + "360p/seg_00000.ts", segment, "video/mp2t", ObjectStorage.IMMUTABLE);
		storage.put(prefix + "360p/index.m3u8", "#EXTM3U\n".getBytes(), "application/vnd.apple.mpegurl",
				ObjectStorage.SHORT_LIVED);
		String cookie = cookie(asset);
		String base = cdn.url() + "/" + prefix;

		KeyframeClient.Response first = client.edge(base + "360p/seg_00000.ts", cookie);
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.header("Content-Type")).isEqualTo("video/mp2t");
		assertThat(first.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
		assertThat(first.header("Content-Length")).isEqualTo("300000");
		assertThat(first.header("X-Cache")).isEqualTo("Miss from keyframe-edge");
		KeyframeClient.Response second = client.edge(base + "360p/seg_00000.ts", cookie);
		assertThat(second.header("X-Cache")).isEqualTo("Hit from keyframe-edge");
		assertThat(second.header("Age")).isNotNull();

		KeyframeClient.Response playlist = client.edge(base + "360p/index.m3u8", cookie);
		assertThat(playlist.header("Content-Type")).isEqualTo("application/vnd.apple.mpegurl");
		assertThat(playlist.header("Cache-Control")).isEqualTo("public, max-age=2");
		// after its two seconds the playlist is asked for again, with its ETag: unchanged, no body travels
		Awaitility.await()
			.pollDelay(Duration.ofMillis(2100))
			.atMost(Duration.ofSeconds(10))
			.until(() -> client.edge(base + "360p/index.m3u8", cookie).header("X-Cache"),
					"RefreshHit from keyframe-edge"::equals);
		storage.put(prefix + "360p/index.m3u8", "#EXTM3U\n#EXT-X-ENDLIST\n".getBytes(),
				"application/vnd.apple.mpegurl", ObjectStorage.SHORT_LIVED);
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> client.edge(base + "360p/index.m3u8", cookie).body(), body -> body.contains("ENDLIST"));

		KeyframeClient.Response range = client.edge(base + "360p/seg_00000.ts", cookie, "Range", "bytes=100-199");
		assertThat(range.status()).isEqualTo(206);
		assertThat(range.header("Content-Range")).isEqualTo("bytes 100-199/300000");
		assertThat(range.header("Content-Length")).isEqualTo("100");
		assertThat(client.edge(base + "360p/seg_00000.ts", cookie, "Range", "bytes=-10").header("Content-Range"))
			.isEqualTo("bytes 299990-299999/300000");
		KeyframeClient.Response unsatisfiable = client.edge(base + "360p/seg_00000.ts", cookie, "Range", "bytes=400000-");
		assertThat(unsatisfiable.status()).isEqualTo(416);
		assertThat(unsatisfiable.header("Content-Range")).isEqualTo("bytes */300000");

		KeyframeClient.Response head = client.edgeRequest("HEAD", base + "360p/seg_00000.ts", cookie);
		assertThat(head.status()).isEqualTo(200);
		assertThat(head.header("Content-Length")).isEqualTo("300000");
		assertThat(client.edge(base + "360p/seg_00000.ts", cookie, "If-None-Match", first.header("ETag")).status())
			.isEqualTo(304);

		assertThat(client.edge(base + "360p/seg_00001.ts", cookie).status()).as("missing object").isEqualTo(404);
		assertThat(client.edge(base + "360p/seg_00000.ts", "").status()).as("no cookies").isEqualTo(403);
		assertThat(client.edge(base + "360p/seg_00000.ts", "").body()).contains("<Code>MissingKey</Code>");
		assertThat(client.edge(base + "../../sources/" + asset + "/source", cookie).status())
			.as("no way out of media/").isIn(400, 404);
	}

	@Test
	void playersOnTheAppsPagesMayReadMediaWithCredentials() {
		AssetId asset = AssetId.of(UUID.randomUUID().toString());
		storage.put("media/" + asset + "/master.m3u8", "#EXTM3U\n".getBytes(), "application/vnd.apple.mpegurl",
				ObjectStorage.SHORT_LIVED);
		String url = cdn.url() + "/media/" + asset + "/master.m3u8";
		KeyframeClient.Response allowed = client.edge(url, cookie(asset), "Origin", "http://localhost:" + port);
		assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("http://localhost:" + port);
		assertThat(allowed.header("Access-Control-Allow-Credentials")).isEqualTo("true");
		KeyframeClient.Response foreign = client.edge(url, cookie(asset), "Origin", "https://evil.example");
		assertThat(foreign.header("Access-Control-Allow-Origin")).isNull();
		KeyframeClient.Response preflight = client.edgeRequest("OPTIONS", url, "", "Origin", "http://localhost:" + port,
				"Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "range");
		assertThat(preflight.status()).isEqualTo(204);
		assertThat(preflight.header("Access-Control-Allow-Headers")).contains("Range");
	}

	@Test
	void theEdgeAllowsOnlyTheAppsOwnOriginByDefault() {
		AssetId asset = AssetId.of(UUID.randomUUID().toString());
		storage.put("media/" + asset + "/master.m3u8", "#EXTM3U\n".getBytes(), "application/vnd.apple.mpegurl",
				ObjectStorage.SHORT_LIVED);
		String url = cdn.url() + "/media/" + asset + "/master.m3u8";
		String host = cdn.url().getHost();
		for (String origin : new String[] { "file://", "file://" + host, "null", "http://" + host + ":1",
				"http://" + host + ":" + (port + 1), "ftp://" + host + ":" + port, "http://" + host }) {
			assertThat(client.edge(url, cookie(asset), "Origin", origin).header("Access-Control-Allow-Origin"))
				.as(origin)
				.isNull();
		}
		assertThat(client.edge(url, cookie(asset), "Origin", "http://" + host + ":" + port)
			.header("Access-Control-Allow-Origin")).isEqualTo("http://" + host + ":" + port);
	}

	@Test
	void aDoubleSlashInASignedPathIsNoSuchObjectNotAnOriginError() {
		AssetId asset = AssetId.of(UUID.randomUUID().toString());
		storage.put("media/" + asset + "/360p/seg_00000.ts", random(1000), "video/mp2t", ObjectStorage.IMMUTABLE);
		String cookie = cookie(asset);
		double errors = Search.in(meters).name("keyframe.edge.requests").tag("result", "error").counters().stream()
			.mapToDouble(c -> c.count())
			.sum();
		for (String path : new String[] { "//anything", "/360p//seg_00000.ts", "//360p/seg_00000.ts" }) {
			KeyframeClient.Response answer = client.edge(cdn.url() + "/media/" + asset + path, cookie);
			assertThat(answer.status()).as(path).isEqualTo(404);
			assertThat(answer.body()).as(path).contains("<Code>NoSuchKey</Code>");
		}
		assertThat(Search.in(meters).name("keyframe.edge.requests").tag("result", "error").counters().stream()
			.mapToDouble(c -> c.count())
			.sum()).as("origin errors").isEqualTo(errors);
	}

	@Test
	void theEdgesOwnServerErrorsAnswerAsCloudFrontWithoutNamingTheServer() {
		int edge = cdn.url().getPort();
		String[] requests = { "GET /media/%00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
				"GET /media/x HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(100_000)
						+ "\r\nConnection: close\r\n\r\n",
				"GET /media/..%2f..%2fsources HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" };
		for (String request : requests) {
			KeyframeClient.Response answer = KeyframeClient.raw(edge, request);
			String what = request.substring(0, 30);
			assertThat(answer.status()).as(what).isEqualTo(400);
			assertThat(answer.body()).as(what).doesNotContainIgnoringCase("tomcat").doesNotContain("<html");
			assertThat(answer.header("Server")).as(what).isNull();
			assertThat(answer.body()).as(what).contains("<Error><Code>");
		}
	}

	@Test
	void concurrentRequestsForOneColdSegmentCostTheOriginOneFetch() throws Exception {
		AssetId asset = AssetId.of(UUID.randomUUID().toString());
		byte[] segment = random(2_000_000);
		storage.put("media/" + asset + "/1080p/seg_00007.ts", segment, "video/mp2t", ObjectStorage.IMMUTABLE);
		String url = cdn.url() + "/media/" + asset + "/1080p/seg_00007.ts";
		String cookie = cookie(asset);
		double fetchesBefore = count("keyframe.edge.origin.fetches");

		int viewers = 150;
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		CountDownLatch ready = new CountDownLatch(viewers);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<String>> answers = new ArrayList<>();
		try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < viewers; i++) {
				answers.add(pool.submit(() -> {
					HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).build();
					ready.countDown();
					go.await();
					HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
					return response.statusCode() + " " + sha256(response.body());
				}));
			}
			ready.await();
			go.countDown();
			for (Future<String> answer : answers) {
				assertThat(answer.get()).isEqualTo("200 " + sha256(segment));
			}
		}
		// whether each request arrived during the fetch (and waited for it) or after it (a cache hit) is the
		// scheduler's choice; either way storage was asked once (the benchmark counts the waiters)
		assertThat(count("keyframe.edge.origin.fetches") - fetchesBefore).as("origin fetches").isEqualTo(1.0);
	}

	@Test
	void theOriginIsPrivateAndTheAppServesNoMedia() throws Exception {
		AssetId asset = AssetId.of(UUID.randomUUID().toString());
		storage.put("media/" + asset + "/poster.jpg", random(1000), "image/jpeg", ObjectStorage.IMMUTABLE);
		HttpClient http = HttpClient.newHttpClient();
		URI direct = URI.create(storageSettings.endpoint() + "/" + storageSettings.bucket() + "/media/" + asset
				+ "/poster.jpg");
		assertThat(http.send(HttpRequest.newBuilder(direct).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
			.as("anonymous read of the bucket").isEqualTo(403);
		assertThat(client.get("/media/" + asset + "/poster.jpg").status()).as("the app's old media route")
			.isNotEqualTo(200);
		assertThat(client.edge(signer.objectUrl("media/" + asset + "/poster.jpg"), "").status())
			.as("a poster's signed URL").isEqualTo(200);
	}

	@Test
	void onlyEntitledViewersAreGivenSignatures() {
		AssetId open = created(Visibility.PUBLIC);
		AssetId members = created(Visibility.SIGNED_IN);
		AssetId editors = created(Visibility.PRIVATE);
		KeyframeClient viewer = user("entitled-viewer", Role.VIEWER);
		KeyframeClient editor = user("entitled-editor", Role.EDITOR);
		// entitled callers get past the check to "not ready yet" (409); the others are asked to sign in or told
		// there is no such asset (an anonymous caller, of an editors-only one: as for an id that does not exist)
		Map<AssetId, int[]> expected = Map.of(open, new int[] { 409, 409, 409 }, members, new int[] { 401, 409, 409 },
				editors, new int[] { 404, 404, 409 });
		KeyframeClient[] callers = { client, viewer, editor };
		expected.forEach((asset, statuses) -> {
			for (int i = 0; i < callers.length; i++) {
				assertThat(callers[i].get("/api/playback/" + asset).status()).as(asset + " caller " + i)
					.isEqualTo(statuses[i]);
			}
		});
		KeyframeClient.Response page = client.page("/watch/" + members);
		assertThat(page.status()).isEqualTo(302);
		assertThat(page.header("Location")).endsWith("/login");
		assertThat(client.page("/watch/" + editors).status()).as("anonymous, an editors-only video").isEqualTo(404);
		assertThat(client.page("/watch/" + open).status()).isEqualTo(200);
		assertThat(client.page("/watch/" + open).body()).contains("not ready to watch yet");
		KeyframeClient viewerSession = new KeyframeClient(port, "").signIn("entitled-viewer", "entitled-viewer-password");
		KeyframeClient editorSession = new KeyframeClient(port, "").signIn("entitled-editor", "entitled-editor-password");
		assertThat(viewerSession.page("/watch/" + editors).status()).as("a viewer, an editors-only video").isEqualTo(404);
		assertThat(editorSession.page("/watch/" + editors).status()).isEqualTo(200);
		assertThat(viewerSession.page("/watch/" + members).status()).isEqualTo(200);
	}

	private AssetId created(Visibility visibility) {
		AssetId id = assets.create(new NewAsset("Entitlement " + visibility, "clip.mp4", "video/mp4", 1000));
		assets.describe(id, "Entitlement " + visibility, null, visibility);
		return id;
	}

	private KeyframeClient user(String name, Role role) {
		var user = accounts.user(name).orElseGet(() -> accounts.create(name, name + "-password", role));
		return new KeyframeClient(port, accounts.issueToken(user.id(), "tests").secret());
	}

	private String cookie(AssetId asset) {
		return KeyframeClient.cookies(signer.grant(asset, null).cookies());
	}

	private double count(String name) {
		return Search.in(meters).name(name).counters().stream().mapToDouble(c -> c.count()).sum();
	}

	private static byte[] random(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

	private static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

}
