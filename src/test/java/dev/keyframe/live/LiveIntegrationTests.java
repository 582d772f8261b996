package dev.keyframe.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.keyframe.KeyframeIntegrationTest;
import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.identity.Accounts;
import dev.keyframe.live.internal.SessionMonitor;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.platform.TestObjectStorage;
import dev.keyframe.playback.edge.TestEdge;
import dev.keyframe.support.FleetInstance;
import dev.keyframe.support.KeyframeClient;
import dev.keyframe.support.LowLatencyPlaylists;
import dev.keyframe.support.Media;
import dev.keyframe.support.RtmpServer;
import dev.keyframe.support.TcpRelay;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Live end to end: ffmpeg pushes a lavfi feed in real time with a channel's key; the transcoder is spawned for
 * it, ABR HLS appears in storage and advances, a real RTMP server (nginx-rtmp) receives the RTMP output, and
 * when the feed stops everything it started is gone and the recording becomes a READY asset.
 */
@KeyframeIntegrationTest
class LiveIntegrationTests {

	/** Long enough for a transcoder instance to start on a busy two-core machine. */
	private static final Duration SOON = Duration.ofSeconds(150);

	@LocalServerPort
	int port;

	@Autowired
	Accounts accounts;

	@Autowired
	MediaTools tools;

	@Autowired
	ObjectStorage storage;

	@Autowired
	IngestEndpoints ingest;

	@Autowired
	LiveChannels channels;

	@Autowired
	MeterRegistry meters;

	@Autowired
	org.springframework.context.ApplicationContext app;

	@Autowired
	dev.keyframe.platform.Instance instance;

	@Autowired
	org.springframework.jdbc.core.JdbcTemplate jdbc;

	@Autowired
	org.springframework.core.env.ConfigurableEnvironment env;

	@TempDir
	Path dir;

	KeyframeClient client;

	@BeforeEach
	void client() {
		client = KeyframeClient.admin(port, accounts);
	}

	@Test
	void aFeedBecomesLiveAbrHlsAndRtmpAndEverythingEndsWithIt() throws Exception {
		try (RtmpServer target = RtmpServer.start(Files.createDirectories(dir.resolve("target")))) {
			int dead = RtmpServer.freePort();
			JsonNode created = createChannel("Evening news", List.of(target.url("out"), "rtmp://127.0.0.1:" + dead + "/live/x"), 2);
			UUID channel = UUID.fromString(created.get("channel").get("id").asString());
			String key = created.get("key").asString();
			assertThat(key).startsWith("live_");
			assertThat(ingestUrl(created, "HTTP_TS").get("server").asString()).endsWith("/ingest/" + key);

			long pushedAt = System.nanoTime();
			Process feed = push(key, OPEN_ENDED);
			JsonNode live = Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(500))
				.until(() -> channel(channel), c -> c.get("state").asString().equals("LIVE")
						&& !c.get("session").get("width").isNull());
			assertThat(live.get("session").get("width").asInt()).isEqualTo(640);
			AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
			var running = Awaitility.await().atMost(SOON).until(() -> channels.running(channel).orElseThrow(),
					r -> r.encoder() != null);
			long transcoder = running.encoder();
			Long instance = running.transcoderPid();
			assertThat(instance).as("the transcoder runs as an instance of its own").isNotNull()
				.isNotEqualTo(ProcessHandle.current().pid());
			assertThat(ProcessHandle.of(instance)).isPresent();
			Path work = running.workDir();
			assertThat(work).isDirectory();
			assertThat(ProcessHandle.of(transcoder)).isPresent();
			assertThat(ProcessHandle.of(transcoder).orElseThrow().parent().map(ProcessHandle::pid))
				.as("the encoder is the transcoder instance's child").contains(instance);

			String master = Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(500))
				.until(() -> read(AssetKeys.master(asset)), m -> m != null && m.contains("360p/index.m3u8")
						&& m.contains("240p/index.m3u8"));
			assertThat(master).contains("RESOLUTION=640x360").contains("RESOLUTION=426x240");
			String first = read(AssetKeys.renditionPrefix(asset, "360p") + "index.m3u8");
			assertThat(first).contains("#EXT-X-PROGRAM-DATE-TIME:").doesNotContain("#EXT-X-ENDLIST");
			Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(500))
				.until(() -> segments(asset, "360p").size() >= 3 && !segments(asset, "360p").equals(segmentsOf(first)));
			assertThat(client.grant(asset.toString()).get("masterUrl").asString()).contains("/media/" + asset + "/");
			assertThat(storage.head(AssetKeys.renditionPrefix(asset, "360p") + "index.m3u8").orElseThrow().cacheControl())
				.isEqualTo("public, max-age=1");
			assertThat(storage.head(AssetKeys.renditionPrefix(asset, "360p") + segments(asset, "360p").getFirst())
				.orElseThrow()
				.cacheControl()).isEqualTo(ObjectStorage.IMMUTABLE);
			var second = postIngest(key);
			assertThat(second.statusCode()).as("one feed at a time").isEqualTo(409);
			assertThat(client.get("/api/assets/" + asset).json().get("status").asString()).isEqualTo("PLAYABLE");

			// the renditions switch at the same instants: same-numbered segments start at the same time
			List<String> common = new ArrayList<>(segments(asset, "360p"));
			common.retainAll(segments(asset, "240p"));
			assertThat(common).isNotEmpty();
			String segment = common.getLast();
			assertThat(firstPts(asset, "360p", segment)).isCloseTo(firstPts(asset, "240p", segment),
					org.assertj.core.data.Offset.offset(0.05));

			// the feed (x264, keyframes every second) is its own 360p rung, copied: a 360p segment's video packets
			// are the feed's own, byte for byte as the recording has them; the encoded 240p's are not
			assertThat(eventDetails(channel, "PASSTHROUGH")).singleElement().asString()
				.contains("The 360p rung is the feed's own video", "keyframes every 1.00 s");
			List<String> fed = packetHashes(work.resolve("recording-1.ts").toString());
			List<String> copied = packetHashes(
					storage.presignGet(AssetKeys.renditionPrefix(asset, "360p") + segment, Duration.ofMinutes(5)));
			assertThat(copied).hasSizeGreaterThanOrEqualTo(59);
			assertThat(java.util.Collections.indexOfSubList(fed, copied)).as("360p %s is in the feed", segment)
				.isNotNegative();
			assertThat(packetHashes(
					storage.presignGet(AssetKeys.renditionPrefix(asset, "240p") + segment, Duration.ofMinutes(5))))
				.doesNotContainAnyElementsOf(fed);

			Awaitility.await().atMost(SOON).until(() -> events(channel).contains("OUTPUT_UP"));
			assertThat(events(channel)).contains("OUTPUT_DOWN");
			List<Long> outputs = channels.running(channel)
				.orElseThrow()
				.outputs()
				.stream()
				.map(SessionMonitor.RunInfo.Output::pid)
				.filter(java.util.Objects::nonNull)
				.toList();
			assertThat(outputs).as("the RTMP output to the live target runs").isNotEmpty();

			stop(feed);
			long pushedMs = Duration.ofNanos(System.nanoTime() - pushedAt).toMillis();
			JsonNode ended = Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(500))
				.until(() -> channel(channel), c -> c.get("state").asString().equals("IDLE"));
			assertThat(ended.get("session").get("state").asString()).isEqualTo("ENDED");
			Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(transcoder).isEmpty());
			assertThat(channels.running(channel)).isEmpty();
			Awaitility.await("the transcoder instance exits with its session").atMost(Duration.ofSeconds(60))
				.until(() -> ProcessHandle.of(instance).isEmpty());
			assertThat(outputs).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).as("output process " + pid).isEmpty());
			Awaitility.await().atMost(SOON).until(() -> read(AssetKeys.renditionPrefix(asset, "360p") + "index.m3u8")
				.contains("#EXT-X-ENDLIST"));
			assertThat(events(channel)).contains("ENDED");
			Awaitility.await().atMost(SOON).until(() -> !Files.exists(work));

			// the recording went through the normal catalog
			String recording = Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(500))
				.until(() -> channel(channel).get("session").get("recordingAssetId"), id -> !id.isNull()).asString();
			JsonNode vod = client.awaitAsset(recording, Duration.ofSeconds(120), KeyframeClient.status("READY"));
			// ffmpeg's -re lets half a second through at once (readrate_initial_burst), and the recording ends with
			// the longer of its streams: a pushed feed can hold a little more than the wall time it took
			assertThat(vod.get("durationMs").asLong()).as("the whole feed, as long as it was pushed")
				.isBetween(pushedMs - 6_000, pushedMs + 1_500);
			assertThat(vod.get("keeping").get("origin").asString()).isEqualTo("LIVE_RECORDING");

			target.close();
			assertThat(probe(target.recording("out"))).contains("h264").contains("aac");
		}
	}

	/**
	 * A low-latency channel: half-second parts in storage before the playlist names them, segments made of them,
	 * every LL-HLS rule kept, renditions cut at the same instants, the edge holding a blocking playlist request
	 * until the part it asks for exists (and a request for the hinted part until it is made), and a replacement for a
	 * killed transcoder continuing the playlists without renumbering what players hold.
	 */
	@Test
	void aLowLatencyChannelPublishesPartsAndTheEdgeHoldsAPlaylistRequestUntilItsPartExists() throws Exception {
		var created = client.post("/api/live/channels", Map.of("title", "Low latency", "reconnectWindowSeconds", 2,
				"latency", "LOW"));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		UUID channel = UUID.fromString(created.json().get("channel").get("id").asString());
		assertThat(created.json().get("channel").get("latency").asString()).isEqualTo("LOW");
		assertThat(client.post("/api/live/channels", Map.of("title", "Bad", "latency", "ULTRA")).status()).isEqualTo(400);
		Process feed = push(created.json().get("key").asString(), OPEN_ENDED);
		AssetId asset;
		String prefix;
		try {
			JsonNode live = awaitState(channel, "LIVE");
			asset = AssetId.of(live.get("session").get("assetId").asString());
			prefix = AssetKeys.renditionPrefix(asset, "360p");
			String playlist = Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(200))
				.until(() -> read(prefix + "index.m3u8"), p -> segmentsOf(p).size() >= 3 && p.contains("#EXT-X-PART:"));
			LowLatencyPlaylists.checkRules(playlist, 0.5);
			assertThat(playlist).contains("#EXT-X-PRELOAD-HINT:TYPE=PART", "#EXT-X-RENDITION-REPORT:URI=\"../240p/index.m3u8\"")
				.doesNotContain("#EXT-X-ENDLIST");

			// every part a playlist names is stored (immutable), and a segment is its parts end to end
			Map<String, List<String>> partsOf = partsBySegment(playlist);
			assertThat(partsOf).isNotEmpty();
			for (var segment : partsOf.entrySet()) {
				java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
				for (String part : segment.getValue()) {
					assertThat(storage.head(prefix + part).orElseThrow().cacheControl()).isEqualTo(ObjectStorage.IMMUTABLE);
					joined.write(bytes(prefix + part));
				}
				assertThat(joined.toByteArray()).as("segment %s", segment.getKey()).isEqualTo(bytes(prefix + segment.getKey()));
			}
			// segment N is made of the same parts in every rendition
			Map<String, List<String>> shared = sharedWithParts(asset);
			String part = shared.values().stream().reduce((first, second) -> second).orElseThrow().get(1);
			assertThat(firstPts(asset, "360p", part)).as("renditions cut their parts at the same instants")
				.isCloseTo(firstPts(asset, "240p", part), org.assertj.core.data.Offset.offset(0.05));

			// blocking reload at the edge: ask for the part the playlist hints at, before it exists
			JsonNode grant = client.grant(asset.toString());
			String cookie = KeyframeClient.cookies(grant);
			String master = grant.get("masterUrl").asString();
			// the cookies sign every object; the master URL's own signature is for players without cookies
			String url = (master.contains("?") ? master.substring(0, master.indexOf('?')) : master)
				.replace("master.m3u8", "360p/index.m3u8");
			String now = client.edge(url, cookie).body();
			long msn = mediaSequence(now) + segmentsOf(now).size();
			int open = openParts(now);
			String hinted = hint(now);
			for (int tries = 0; tries < 5 && storage.head(prefix + hinted).isPresent(); tries++) {
				// the edge's copy was a part or more behind (a loaded machine): take the next hint from a fresh
				// (blocking) answer, as often as it takes to get ahead of the encoder
				now = client.edge(url + "?_HLS_msn=" + msn + "&_HLS_part=" + open, cookie).body();
				msn = mediaSequence(now) + segmentsOf(now).size();
				open = openParts(now);
				hinted = hint(now);
			}
			assertThat(storage.head(prefix + hinted)).as("the part asked for does not exist yet").isEmpty();
			long asked = System.nanoTime();
			var held = client.edge(url + "?_HLS_msn=" + msn + "&_HLS_part=" + open, cookie);
			long heldMs = Duration.ofNanos(System.nanoTime() - asked).toMillis();
			assertThat(held.status()).as(held.body()).isEqualTo(200);
			// the request is met by a playlist that holds the part asked for, or has gone past it: under load the
			// answer can come when the part's segment is whole and its parts have left the window (RFC 8216bis 6.2.5.2)
			String completed = String.format(java.util.Locale.ROOT, "s_%06d.ts", msn);
			String askedPart = "URI=\"" + hinted + "\"";
			assertThat(held.body()).as("the answer lists the part that was only hinted when asked, or its whole segment")
				.satisfiesAnyOf(body -> assertThat(body).contains(askedPart),
						body -> assertThat(segmentsOf(body)).contains(completed));
			System.out.println("Blocking reload for msn " + msn + " part " + open + " answered after " + heldMs + " ms");
			String next = hint(held.body());
			var hintedPart = client.edge(url.replace("index.m3u8", next), cookie);
			assertThat(hintedPart.status()).as("the hinted part, asked for before it is made, is held until it is").isEqualTo(200);
			assertThat(client.edge(url + "?_HLS_msn=" + (msn + 5), cookie).status()).as("too far ahead").isEqualTo(400);
			assertThat(client.edge(url + "?_HLS_part=1", cookie).status()).as("a part without a segment").isEqualTo(400);
			assertThat(client.edge(url.replace("index.m3u8", "p_999999999.ts"), cookie).status())
				.as("a part that never comes").isEqualTo(404);

			// a replacement transcoder continues the low-latency playlists: the segment the killed one left open keeps
			// its number and the parts players hold under it, and the renditions still agree
			SessionMonitor.RunInfo before = channels.running(channel).orElseThrow();
			assertThat(before.transcoderPid()).isNotNull();
			// a setting changed meanwhile applies from the next session: the replacement keeps this one's latency
			assertThat(client.put("/api/live/channels/" + channel, Map.of("title", "Low latency", "latency", "STANDARD"))
				.status()).isEqualTo(200);
			signal("KILL", before.transcoderPid());
			String atKill = read(prefix + "index.m3u8");
			String lowerAtKill = read(AssetKeys.renditionPrefix(asset, "240p") + "index.m3u8");
			String left = String.format(java.util.Locale.ROOT, "s_%06d.ts", mediaSequence(atKill) + segmentsOf(atKill).size());
			List<String> leftParts = openPartsOf(atKill);
			SessionMonitor.RunInfo after = Awaitility.await("a new transcoder instance").atMost(SOON)
				.pollInterval(Duration.ofMillis(500))
				.until(() -> channels.running(channel).orElseThrow(), r -> r.encoder() != null && r.transcoderPid() != null
						&& !r.transcoderPid().equals(before.transcoderPid()));
			try {
				// the replacement may work through a long backlog at once: the segment can be listed with its parts
				// only briefly, so it is looked for in storage, where it stays a minute after leaving the playlist
				// (a segment is stored before the playlist that lists it: the seam in the playlist says the replacement
				// published)
				Awaitility.await("segment " + left + " stored by the replacement").atMost(SOON)
					.pollInterval(Duration.ofMillis(200))
					.until(() -> discontinuities(read(prefix + "index.m3u8")) > 0 && storage.head(prefix + left).isPresent());
			}
			catch (org.awaitility.core.ConditionTimeoutException ex) {
				throw new AssertionError(ex.getMessage() + "\n" + explain(channel, asset, before, after), ex);
			}
			String continued = read(prefix + "index.m3u8");
			LowLatencyPlaylists.checkRules(continued, 0.5);
			assertThat(leftParts).as("the parts of %s when its transcoder was killed: %s", left, atKill).isNotEmpty();
			// restored up to the newest part both renditions had published (the kill may fall between the two)
			long common = Math.min(newestPartNumber(atKill), newestPartNumber(lowerAtKill));
			List<String> expected = leftParts.stream().filter(p -> partNumber(p) <= common).toList();
			if (!expected.isEmpty()) {
				java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
				for (String piece : expected) {
					joined.write(bytes(prefix + piece));
				}
				assertThat(bytes(prefix + left)).as("%s is the parts players had under its number: %s", left, expected)
					.isEqualTo(joined.toByteArray());
			}
			// and the renditions agree again on the replacement's segments
			sharedWithParts(asset);
		}
		finally {
			stop(feed);
		}
		awaitState(channel, "IDLE");
		String ended = Awaitility.await().atMost(SOON).until(() -> read(prefix + "index.m3u8"),
				p -> p.contains("#EXT-X-ENDLIST"));
		LowLatencyPlaylists.checkRules(ended, 0.5);
		assertThat(ended).doesNotContain("PRELOAD-HINT", "RENDITION-REPORT");
	}

	@Test
	void anUnknownKeyIsRefusedBeforeAnythingStarts() throws Exception {
		double transcoders = meters.counter("keyframe.live.transcoders").count();
		var refused = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
			.newBuilder(java.net.URI.create("http://127.0.0.1:" + ingest.httpPort() + "/ingest/live_not-a-key"))
			.POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[188 * 100]))
			.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(refused.body()).contains("Unknown stream key");
		Process feed = push("live_not-a-key", 3);
		assertThat(feed.waitFor(30, TimeUnit.SECONDS)).isTrue();
		JsonNode created = createChannel("Rotated", List.of(), 0);
		String old = created.get("key").asString();
		var rotated = client.post("/api/live/channels/" + created.get("channel").get("id").asString() + "/key", Map.of());
		assertThat(rotated.status()).isEqualTo(200);
		assertThat(rotated.json().get("key").asString()).isNotEqualTo(old).startsWith("live_");
		var stale = postIngest(old);
		assertThat(stale.statusCode()).as("a replaced key no longer works").isEqualTo(403);
		assertThat(meters.counter("keyframe.live.transcoders").count()).isEqualTo(transcoders);
		assertThat(meters.counter("keyframe.live.refused", "reason", "unknown-key").count()).isPositive();
	}

	@Test
	void aBroadcasterWhoReconnectsWithinTheWindowContinuesTheSameSessionWithTheSlateOnAirMeanwhile() throws Exception {
		JsonNode created = createChannel("Field reporter", List.of(), 20);
		UUID channel = UUID.fromString(created.get("channel").get("id").asString());
		String key = created.get("key").asString();
		String index = "index.m3u8";

		Process first = push(key, 7);
		JsonNode live = awaitState(channel, "LIVE");
		String session = live.get("session").get("id").asString();
		AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
		String playlist = AssetKeys.renditionPrefix(asset, "360p") + index;
		Awaitility.await().atMost(SOON).until(() -> segments(asset, "360p").size() >= 2);
		assertThat(read(playlist)).as("a fresh stream breaks from nothing")
			.doesNotContain("#EXT-X-DISCONTINUITY\n")
			.contains("#EXT-X-DISCONTINUITY-SEQUENCE:0");
		assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
		awaitState(channel, "RECONNECTING");
		String away = read(playlist);
		assertThat(away).doesNotContain("#EXT-X-ENDLIST");

		// the playlists go on while the feed is away: a still picture and silence, at the rendition's size
		String slate = Awaitility.await("the slate").atMost(SOON).pollInterval(Duration.ofMillis(300))
			.until(() -> segmentsOf(read(playlist)).getLast(), last -> !last.equals(segmentsOf(away).getLast()));
		assertThat(read(playlist)).contains("#EXT-X-DISCONTINUITY\n").doesNotContain("#EXT-X-ENDLIST");
		assertThat(describe(asset, "360p", slate)).contains("video,640,360").contains("audio");
		assertThat(loudestDb(asset, "360p", slate)).as("silence").isLessThan(-60);
		assertThat(events(channel)).contains("RECONNECTING");

		Process second = push(key, 7);
		JsonNode resumed = awaitState(channel, "LIVE");
		assertThat(resumed.get("session").get("id").asString()).isEqualTo(session);
		assertThat(resumed.get("session").get("reconnects").asInt()).isEqualTo(1);
		// the feed is back after the slate: its sound again, after a second discontinuity
		String back = Awaitility.await("the feed again").atMost(SOON).pollInterval(Duration.ofMillis(500))
			.until(() -> segmentsOf(read(playlist)).getLast(), last -> {
				try {
					return !last.equals(slate) && loudestDb(asset, "360p", last) > -30;
				}
				catch (IOException | InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			});
		assertThat(back).isNotEqualTo(slate);
		assertThat(discontinuities(read(playlist))).as(read(playlist)).isGreaterThanOrEqualTo(2);
		assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
		awaitState(channel, "IDLE");
		assertThat(events(channel)).contains("RECONNECTING", "RECONNECTED", "ENDED");
		assertThat(client.get("/api/live/channels/" + channel + "/sessions").json()).hasSize(1);
		String ended = read(playlist);
		assertThat(ended).contains("#EXT-X-ENDLIST");
		assertThat(discontinuities(ended)).as("feed, slate, feed, slate: " + ended).isEqualTo(3);

		// the recording is both feeds end to end, not the last one's timeline
		String recording = Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(500))
			.until(() -> channel(channel).get("session").get("recordingAssetId"), id -> !id.isNull()).asString();
		JsonNode vod = client.awaitAsset(recording, Duration.ofSeconds(60), a -> a.hasNonNull("durationMs"));
		assertThat(vod.get("durationMs").asLong()).as("two feeds of 7 s").isBetween(12_000L, 15_500L);
	}

	/**
	 * A channel with two feeds: the primary loses its signal (SIGSTOP: the connection stays, no data comes) and the
	 * backup goes on air; a primary that comes back is on air again after the hold time; one that turns black gives
	 * way to the backup again, and returns after the hold once its picture is back. One session throughout, the
	 * playlist (read every 0.5 s) never going back and never standing still as long as a player's buffer.
	 */
	@Test
	void aChannelWithABackupFeedSwitchesToItOnLossOfSignalOrBlackAndBackAfterTheHoldTime() throws Exception {
		JsonNode created = createChannel("Two encoders", List.of(), 20);
		UUID channel = UUID.fromString(created.get("channel").get("id").asString());
		String key = created.get("key").asString();
		Process primary = push(key, OPEN_ENDED);
		JsonNode live = awaitState(channel, "LIVE");
		String session = live.get("session").get("id").asString();
		AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
		String playlist = AssetKeys.renditionPrefix(asset, "360p") + "index.m3u8";
		Awaitility.await().atMost(SOON).until(() -> segments(asset, "360p").size() >= 2);
		Process backup = push(key + "-backup", OPEN_ENDED);
		Awaitility.await("the backup stands by").atMost(Duration.ofSeconds(30))
			.until(() -> events(channel).contains("FEED_CONNECTED"));
		var on409 = postIngest(key + "-backup");
		assertThat(on409.statusCode()).as("one backup at a time").isEqualTo(409);

		PlaylistWatch watch = new PlaylistWatch(playlist);
		Thread watching = Thread.ofVirtual().start(watch);
		Process blackout = null;
		try {
			Thread.sleep(3000);
			long stopped = System.nanoTime();
			signal("STOP", primary.pid());
			Awaitility.await("the backup on air").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
				.until(() -> events(channel).contains("FAILOVER"));
			double failoverSeconds = (System.nanoTime() - stopped) / 1e9;
			assertThat(eventDetails(channel, "FAILOVER")).singleElement().asString()
				.contains("the primary feed sent no data for");
			assertThat(failoverSeconds).as("loss of signal 1.5 s, then the primary's last segment is published")
				.isLessThan(5.0);
			// the stopped primary's connection times out (idle timeout) while it stands by
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> events(channel).contains("FEED_LOST"));
			signal("KILL", primary.pid());
			primary.waitFor(10, TimeUnit.SECONDS);

			// the primary's encoder comes back; 16 s later its picture goes black for 10 s
			blackout = Media.liveFeed(tools.ffmpegPath(), OPEN_ENDED,
					"drawbox=c=black:t=fill:enable='between(t,16,26)'", "mpegts",
					"http://127.0.0.1:" + ingest.httpPort() + "/ingest/" + key, dir.resolve("blackout.log"));
			long returned = System.nanoTime();
			Awaitility.await("back to the primary after the hold").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(200)).until(() -> eventDetails(channel, "FAILBACK").size() == 1);
			assertThat((System.nanoTime() - returned) / 1e9).as("the hold is 6 s").isGreaterThan(6.0);
			Awaitility.await("the black picture switches").atMost(Duration.ofSeconds(40))
				.pollInterval(Duration.ofMillis(200)).until(() -> eventDetails(channel, "FAILOVER").size() == 2);
			long blackSwitch = System.nanoTime();
			assertThat(eventDetails(channel, "FAILOVER").getFirst()).contains("the primary feed showed a black picture");
			Awaitility.await("back once the picture is").atMost(Duration.ofSeconds(40))
				.pollInterval(Duration.ofMillis(200)).until(() -> eventDetails(channel, "FAILBACK").size() == 2);
			assertThat((System.nanoTime() - blackSwitch) / 1e9).as("black for 10 s from 16 s, then the hold")
				.isGreaterThan(8.0);
			assertThat(eventDetails(channel, "FAILBACK").getFirst()).contains("healthy for 6.");
			Thread.sleep(2500);
		}
		finally {
			watch.stop();
			watching.join();
		}
		assertThat(watch.wentBack).as("the media sequence never goes back: %s", watch.trace).isEmpty();
		assertThat(watch.longestStillSeconds()).as("the newest segment never stands still as long as three "
				+ "segments (a player's buffer): %s", watch.trace).isLessThan(6.0);
		String now = read(playlist);
		assertThat(discontinuities(now)).as(now).isPositive();
		assertThat(describe(asset, "360p", segmentsOf(now).getLast())).contains("video,640,360").contains("audio");
		assertThat(channel(channel).get("session").get("id").asString()).as("one session").isEqualTo(session);
		List<String> kinds = new ArrayList<>(events(channel));
		java.util.Collections.reverse(kinds);
		assertThat(kinds.stream().filter(k -> k.startsWith("FAIL") || k.startsWith("FEED")).toList())
			.containsSubsequence("FEED_CONNECTED", "FAILOVER", "FEED_LOST", "FEED_CONNECTED", "FAILBACK", "FAILOVER",
					"FAILBACK");
		assertThat(kinds).as("a feed that stands by is not a reconnect").doesNotContain("RECONNECTED", "RECONNECTING");
		assertThat(channel(channel).get("session").get("reconnects").asInt()).isZero();
		System.out.printf("failover: longest still %.1f s over %d reads%n", watch.longestStillSeconds(),
				watch.reads);
		stop(blackout);
		stop(backup);
		awaitState(channel, "IDLE");
	}

	/** Reads a live playlist every 0.5 s: whether its numbering ever went back, how long its newest segment stood. */
	private final class PlaylistWatch implements Runnable {

		final String key;

		final List<String> wentBack = new java.util.concurrent.CopyOnWriteArrayList<>();

		final StringBuilder trace = new StringBuilder();

		/** Every playlist read, as it changed. */
		final List<String> texts = new java.util.concurrent.CopyOnWriteArrayList<>();

		volatile boolean running = true;

		int reads;

		volatile long newest = -1;

		long since = System.nanoTime();

		long longestStill;

		PlaylistWatch(String key) {
			this.key = key;
		}

		@Override
		public void run() {
			while (running) {
				String text = read(key);
				if (!text.isEmpty()) {
					reads++;
					if (texts.isEmpty() || !texts.getLast().equals(text)) {
						texts.add(text);
					}
					long number = mediaSequence(text) + segmentsOf(text).size() - 1;
					long now = System.nanoTime();
					if (number < newest) {
						wentBack.add(newest + " -> " + number);
					}
					if (number > newest) {
						longestStill = Math.max(longestStill, now - since);
						since = now;
						newest = number;
						trace.append(String.format("%.1f:%d ", now / 1e9 % 1000, number));
					}
				}
				try {
					Thread.sleep(500);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
			longestStill = Math.max(longestStill, System.nanoTime() - since);
		}

		void stop() {
			running = false;
		}

		double longestStillSeconds() {
			return longestStill / 1e9;
		}

	}

	@Test
	void eachSegmentIsDatedWhenItsFirstFrameWasCaptured() throws Exception {
		JsonNode created = createChannel("Clock tower", List.of(), 0);
		UUID channel = UUID.fromString(created.get("channel").get("id").asString());
		long epoch = System.currentTimeMillis() - 10_000;
		Process feed = Media.clockFeed(tools.ffmpegPath(), OPEN_ENDED,
				"http://127.0.0.1:" + ingest.httpPort() + "/ingest/" + created.get("key").asString(), epoch,
				dir.resolve("clock-feed.log"));
		JsonNode live = awaitState(channel, "LIVE");
		AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
		Awaitility.await().atMost(SOON)
			.until(() -> segments(asset, "360p").size() >= 4 && segments(asset, "240p").size() >= 4);

		StringBuilder table = new StringBuilder("rendition segment: dated, first frame captured, difference\n");
		List<Long> differences = new ArrayList<>();
		for (String rendition : List.of("360p", "240p")) {
			String playlist = read(AssetKeys.renditionPrefix(asset, rendition) + "index.m3u8");
			Map<String, java.time.Instant> dated = datesOf(playlist);
			assertThat(dated).as(playlist).hasSizeGreaterThanOrEqualTo(4);
			for (Map.Entry<String, java.time.Instant> segment : dated.entrySet()) {
				String url = storage.presignGet(AssetKeys.renditionPrefix(asset, rendition) + segment.getKey(),
						Duration.ofMinutes(5));
				long captured = Media.capturedAt(tools.ffmpegPath(), url, 640, epoch);
				long difference = segment.getValue().toEpochMilli() - captured;
				differences.add(difference);
				table.append(rendition).append(' ').append(segment.getKey()).append(": ").append(segment.getValue())
					.append(", ").append(java.time.Instant.ofEpochMilli(captured)).append(", ").append(difference)
					.append(" ms\n");
			}
		}
		System.out.print(table); // the figures docs/live.md quotes
		assertThat(differences).as(table.toString()).allSatisfy(d -> assertThat(d).isBetween(-300L, 300L));
		// the manifest age is measured from those dates: a fresh live stream is a segment or two old, never 0
		Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
			.until(() -> channel(channel).get("session").get("manifestAgeMs"), age -> age != null && age.asLong() > 0);
		stop(feed);
		awaitState(channel, "IDLE");
	}

	@Test
	void aTranscoderThatDiesWhileTheFeedGoesOnIsRestarted() throws Exception {
		JsonNode created = createChannel("Stage cam", List.of(), 0);
		UUID channel = UUID.fromString(created.get("channel").get("id").asString());
		Process feed = push(created.get("key").asString(), OPEN_ENDED);
		JsonNode live = awaitState(channel, "LIVE");
		AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
		Awaitility.await().atMost(SOON).until(() -> segments(asset, "360p").size() >= 2);
		long before = Awaitility.await().atMost(SOON)
			.until(() -> channels.running(channel).map(SessionMonitor.RunInfo::encoder).orElse(null), pid -> pid != null);

		assertThat(channels.killEncoder(channel)).isTrue();
		Awaitility.await().atMost(SOON).until(() -> events(channel).contains("TRANSCODER_RESTARTED"));
		Long after = Awaitility.await().atMost(SOON)
			.until(() -> channels.running(channel).map(SessionMonitor.RunInfo::encoder).orElse(null),
					pid -> pid != null && pid != before);
		assertThat(ProcessHandle.of(before)).isEmpty();
		assertThat(ProcessHandle.of(after)).isPresent();
		List<String> atRestart = segments(asset, "360p");
		Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(500)).until(() -> {
			String playlist = read(AssetKeys.renditionPrefix(asset, "360p") + "index.m3u8");
			return discontinuities(playlist) >= 1 && !segmentsOf(playlist).getLast().equals(atRestart.getLast());
		});
		assertThat(channel(channel).get("session").get("transcoderRestarts").asInt()).isEqualTo(1);
		stop(feed);
		awaitState(channel, "IDLE");
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(after).isEmpty());
	}

	@Test
	void aTranscoderInstanceKilledMidStreamIsReplacedAndTheSessionGoesOn() throws Exception {
		JsonNode created = createChannel("Relay drill", List.of(), 0);
		UUID channel = UUID.fromString(created.get("channel").get("id").asString());
		Process feed = push(created.get("key").asString(), OPEN_ENDED);
		JsonNode live = awaitState(channel, "LIVE");
		UUID session = UUID.fromString(live.get("session").get("id").asString());
		AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
		Awaitility.await().atMost(SOON).until(() -> segments(asset, "360p").size() >= 2);
		SessionMonitor.RunInfo before = Awaitility.await().atMost(SOON)
			.until(() -> channels.running(channel).orElseThrow(), r -> r.encoder() != null && r.transcoderPid() != null);

		signal("KILL", before.transcoderPid());
		Awaitility.await("the encoder dies with its transcoder instance").atMost(Duration.ofSeconds(10))
			.until(() -> ProcessHandle.of(before.encoder()).isEmpty());
		List<String> atKill = segments(asset, "360p");
		SessionMonitor.RunInfo after = Awaitility.await("a new transcoder instance").atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> channels.running(channel).orElseThrow(), r -> r.encoder() != null && r.transcoderPid() != null
					&& !r.transcoderPid().equals(before.transcoderPid()));
		assertThat(after.session()).as("the same session").isEqualTo(session);
		assertThat(after.generation()).isEqualTo(before.generation() + 1);
		assertThat(events(channel)).contains("TRANSCODER_RESTARTED");
		try {
			Awaitility.await("the playlists continue").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
				.until(() -> {
					String playlist = read(AssetKeys.renditionPrefix(asset, "360p") + "index.m3u8");
					// the seam may have slid out of the window already (a slow start leaves a long backlog)
					return discontinuities(playlist) >= 1 && !playlist.contains("#EXT-X-ENDLIST")
							&& !segmentsOf(playlist).getLast().equals(atKill.getLast());
				});
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			throw new AssertionError(ex.getMessage() + "\n" + explain(channel, asset, before, after), ex);
		}
		assertThat(channel(channel).get("session").get("transcoderRestarts").asInt()).isPositive();

		stop(feed);
		awaitState(channel, "IDLE");
		Awaitility.await("the replacement exits with the session").atMost(Duration.ofSeconds(60))
			.until(() -> ProcessHandle.of(after.transcoderPid()).isEmpty());
	}

	/**
	 * A channel on two pipelines (docs/adr/0020): two transcoder instances make the same segments from the same feed,
	 * one publishing. The publishing one is killed (-9) mid-stream; the other takes the publication over and continues
	 * the playlists in step: no discontinuity, no gap and no repeat in the numbering, the segments on either side of
	 * the switch a whole segment apart and decoding as one stream. The dead pipeline's replacement rejoins in step.
	 */
	@Test
	void aChannelOnTwoPipelinesLosesItsPublishingTranscoderAndTheOtherContinuesInStep() throws Exception {
		var lowLatency = client.post("/api/live/channels",
				Map.of("title", "Two fast pipelines", "latency", "LOW", "pipelines", 2));
		assertThat(lowLatency.status()).isEqualTo(400);
		assertThat(lowLatency.body()).contains("standard-latency");
		var created = client.post("/api/live/channels", Map.of("title", "Two pipelines", "rtmpOutputs", List.of(),
				"reconnectWindowSeconds", 0, "pipelines", 2));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		assertThat(created.json().get("channel").get("pipelines").asInt()).isEqualTo(2);
		UUID channel = UUID.fromString(created.json().get("channel").get("id").asString());
		Process feed = push(created.json().get("key").asString(), OPEN_ENDED);
		try {
			JsonNode live = awaitState(channel, "LIVE");
			AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
			String playlist = AssetKeys.renditionPrefix(asset, "360p") + "index.m3u8";
			// A publishes first, unless B had segments before A claimed any (then B took over at once)
			SessionMonitor.RunInfo before = Awaitility.await("both pipelines up and in step").atMost(SOON)
				.pollInterval(Duration.ofMillis(500))
				.until(() -> channels.running(channel).orElseThrow(), r -> r.pipelines().size() == 2
						&& r.pipelines().stream().anyMatch(SessionMonitor.RunInfo.PipelineInfo::publishing)
						&& r.pipelines().stream().allMatch(p -> p.newestSegment() != null)
						&& r.pipelines().stream().allMatch(p -> p.transcoderPid() != null)
						&& segments(asset, "360p").size() >= 3);
			var page = new KeyframeClient(port, "").signIn("admin", "admin-password-for-tests").get("/live/" + channel);
			assertThat(page.body()).contains("data-pipeline=\"A\"", "data-pipeline=\"B\"", "publishing", "in step");
			assertThat(client.get("/api/live/channels/" + channel + "/pipelines").json().size()).isEqualTo(2);
			PlaylistWatch watch = new PlaylistWatch(playlist);
			Thread watching = Thread.ofPlatform().name("playlist-watch").start(watch);
			Thread.sleep(4000);

			SessionMonitor.RunInfo.PipelineInfo killed = before.publishing();
			long atKill = mediaSequence(read(playlist)) + segmentsOf(read(playlist)).size() - 1;
			signal("KILL", killed.transcoderPid());
			String other = killed.name().equals("A") ? "B" : "A";
			Awaitility.await("the other pipeline publishes").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
				.until(() -> channels.running(channel).orElseThrow().pipeline(other).publishing());
			String across = Awaitility.await("the playlist goes on past the kill").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(300))
				.until(() -> read(playlist), text -> mediaSequence(text) + segmentsOf(text).size() - 1 >= atKill + 3);
			// the segments either side of the switch, from storage before they are retired
			List<Path> spanning = new ArrayList<>();
			List<Double> starts = new ArrayList<>();
			for (String segment : segmentsOf(across)) {
				Path local = dir.resolve("two-pipelines-" + segment);
				Files.write(local, bytes(AssetKeys.renditionPrefix(asset, "360p") + segment));
				spanning.add(local);
				starts.add(firstPts(asset, "360p", segment));
			}
			SessionMonitor.RunInfo rejoined = Awaitility.await("the killed pipeline rejoins in step")
				.atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
				.until(() -> channels.running(channel).orElseThrow(), r -> {
					var p = r.pipeline(killed.name());
					return p.generation() == killed.generation() + 1 && p.newestSegment() != null && !p.publishing()
							&& p.beating(java.time.Instant.now());
				});
			long rejoinedAt = mediaSequence(read(playlist)) + segmentsOf(read(playlist)).size() - 1;
			Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
				.until(() -> mediaSequence(read(playlist)) + segmentsOf(read(playlist)).size() - 1 >= rejoinedAt + 2);
			watch.stop();
			watching.join();

			String traced = watch.trace + "\n" + explain(channel, asset);
			assertThat(watch.wentBack).as(traced).isEmpty();
			// the publisher claims each segment; the other takes over a segment and a second after the last claim
			assertThat(watch.longestStillSeconds()).as("the playlist stood still; " + traced).isLessThan(4 * 2.0);
			java.util.TreeMap<Long, String> named = new java.util.TreeMap<>();
			for (String text : watch.texts) {
				assertThat(text).as("no discontinuity, ever").doesNotContain("#EXT-X-DISCONTINUITY\n");
				assertThat(discontinuities(text)).as(text).isZero();
				long sequence = mediaSequence(text);
				List<String> listed = segmentsOf(text);
				for (int i = 0; i < listed.size(); i++) {
					String before1 = named.putIfAbsent(sequence + i, listed.get(i));
					assertThat(before1 == null || before1.equals(listed.get(i)))
						.as("segment %d has one name in every playlist", sequence + i).isTrue();
				}
			}
			assertThat(named.lastKey() - named.firstKey() + 1).as("no gap in the numbering").isEqualTo(named.size());
			assertThat(named.lastKey()).isGreaterThan(atKill + 3);
			for (int i = 1; i < starts.size(); i++) {
				assertThat(starts.get(i) - starts.get(i - 1)).as("segment starts across the switch: " + starts)
					.isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));
			}
			Path joined = dir.resolve("two-pipelines-joined.ts");
			try (var out = Files.newOutputStream(joined)) {
				for (Path part : spanning) {
					Files.copy(part, out);
				}
			}
			Process decode = new ProcessBuilder(tools.ffmpegPath().toString(), "-v", "error", "-i", joined.toString(), "-f",
					"null", "-")
				.redirectErrorStream(true)
				.start();
			String decoded = new String(decode.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(decode.waitFor()).as(decoded).isZero();
			assertThat(decoded).as("the segments across the switch decode as one stream").isBlank();
			assertThat(probe(joined).lines().filter(l -> !l.isBlank()).distinct().toList()).containsExactly("h264", "aac");
			System.out.printf("two pipelines: the playlist stood still %.1f s at most across the kill (%s)%n",
					watch.longestStillSeconds(), watch.trace);
			assertThat(events(channel)).contains("PIPELINE_SWITCHED", "TRANSCODER_RESTARTED").doesNotContain("ENDED");
			assertThat(eventDetails(channel, "PIPELINE_SWITCHED").getFirst()).contains("in step");

			stop(feed);
			awaitState(channel, "IDLE");
			assertThat(read(playlist)).contains("#EXT-X-ENDLIST");
			Awaitility.await("both pipelines exit with the session").atMost(Duration.ofSeconds(60))
				.until(() -> rejoined.pipelines().stream().map(SessionMonitor.RunInfo.PipelineInfo::transcoderPid)
					.allMatch(pid -> ProcessHandle.of(pid).isEmpty()));
			// the session's one recording (written by whichever pipeline published) goes through the catalog; waiting
			// for it also keeps its transcode from loading the tests after this one
			String recording = Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(500))
				.until(() -> channel(channel).get("session").get("recordingAssetId"), id -> !id.isNull()).asString();
			JsonNode vod = client.awaitAsset(recording, Duration.ofSeconds(180), KeyframeClient.status("READY"));
			assertThat(vod.get("durationMs").asLong()).as("the recording spans the session across the kill")
				.isGreaterThan(10_000);
		}
		finally {
			feed.destroyForcibly(); // a failed run leaves nothing pushing into the tests after it
		}
	}

	/**
	 * A channel on two pipelines whose feed drops and comes back: both pipelines play the slate meanwhile (each its
	 * own), then both read the new connection, a timeline of its own. The playlists go on after the seams and never
	 * freeze or go back, and the pipeline standing by is in step again on the new feed.
	 */
	@Test
	void aChannelOnTwoPipelinesGoesOnAcrossAReconnectAndBothPipelinesGetInStepAgain() throws Exception {
		var created = client.post("/api/live/channels", Map.of("title", "Two pipelines, reconnecting", "rtmpOutputs",
				List.of(), "reconnectWindowSeconds", 20, "pipelines", 2));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		UUID channel = UUID.fromString(created.json().get("channel").get("id").asString());
		String key = created.json().get("key").asString();
		Process first = push(key, OPEN_ENDED);
		Process second = null;
		try {
			JsonNode live = awaitState(channel, "LIVE");
			AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
			String playlist = AssetKeys.renditionPrefix(asset, "360p") + "index.m3u8";
			Awaitility.await("both pipelines in step").atMost(SOON).pollInterval(Duration.ofMillis(500))
				.until(() -> channels.running(channel).orElseThrow(), r -> r.pipelines().size() == 2
						&& r.pipelines().stream().allMatch(p -> p.newestSegment() != null));
			PlaylistWatch watch = new PlaylistWatch(playlist);
			Thread watching = Thread.ofPlatform().name("playlist-watch").start(watch);
			first.destroyForcibly(); // the broadcaster's connection drops
			first.waitFor();
			awaitState(channel, "RECONNECTING");
			Thread.sleep(4000); // the slate plays
			second = push(key, OPEN_ENDED);
			awaitState(channel, "LIVE");
			long atReconnect = watch.newest;
			Awaitility.await("both pipelines in step on the new feed").atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> channels.running(channel).orElseThrow(), r -> r.pipelines().stream()
					.allMatch(p -> p.newestSegment() != null && p.newestSegment() > atReconnect + 2));
			long inStep = watch.newest;
			Awaitility.await("the playlist goes on").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
				.until(() -> watch.newest >= inStep + 3);
			watch.stop();
			watching.join();
			assertThat(watch.wentBack).as(watch.trace.toString()).isEmpty();
			String last = read(playlist);
			assertThat(last).doesNotContain("#EXT-X-ENDLIST");
			List<String> listed = segmentsOf(last);
			assertThat(describe(asset, "360p", listed.getLast())).as("the newest segment decodes")
				.contains("video,640,360");
			var pipelines = channels.running(channel).orElseThrow().pipelines();
			assertThat(Math.abs(pipelines.get(0).newestSegment() - pipelines.get(1).newestSegment()))
				.as("the two pipelines number the new feed's segments alike: " + pipelines).isLessThanOrEqualTo(2);

			stop(second);
			awaitState(channel, "IDLE"); // the tests after this one run without two slates in the background
		}
		finally {
			first.destroyForcibly();
			if (second != null) {
				second.destroyForcibly();
			}
		}
	}

	@Test
	void aBroadcasterWhoseIngestInstanceDiedReconnectsToAnotherAndTheSameTranscoderGoesOn() throws Exception {
		int otherPort = RtmpServer.freePort();
		try (FleetInstance other = FleetInstance.start(env, "live-b", "live", Map.of("keyframe.live.ingest-port",
				String.valueOf(otherPort), "keyframe.live.rtmp.enabled", "false", "keyframe.live.srt.enabled", "false"),
				dir.resolve("fleet"))) {
			other.awaitStarted();
			JsonNode created = createChannel("Two ingests", List.of(), 15);
			UUID channel = UUID.fromString(created.get("channel").get("id").asString());
			String key = created.get("key").asString();
			Process first = Media.liveFeed(tools.ffmpegPath(), OPEN_ENDED, "mpegts",
					"http://127.0.0.1:" + otherPort + "/ingest/" + key, dir.resolve("feed-other.log"));
			JsonNode live = Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300))
				.until(() -> channel(channel), c -> c.get("state").asString().equals("LIVE"));
			String session = live.get("session").get("id").asString();
			AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
			Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> segments(asset, "360p").size() >= 2);
			SessionMonitor.RunInfo before = Awaitility.await().atMost(SOON)
				.until(() -> channels.running(channel).orElseThrow(), r -> r.transcoderPid() != null);

			other.kill(); // the ingest instance dies; the broadcaster's connection with it
			awaitState(channel, "RECONNECTING");
			first.destroyForcibly();
			Process second = push(key, OPEN_ENDED); // the broadcaster reconnects, to this instance
			JsonNode resumed = awaitState(channel, "LIVE");
			assertThat(resumed.get("session").get("id").asString()).isEqualTo(session);
			assertThat(resumed.get("session").get("reconnects").asInt()).isEqualTo(1);
			List<String> atReconnect = segments(asset, "360p");
			Awaitility.await("the playlists continue").atMost(SOON).pollInterval(Duration.ofMillis(500))
				.until(() -> !segments(asset, "360p").getLast().equals(atReconnect.getLast()));
			SessionMonitor.RunInfo after = channels.running(channel).orElseThrow();
			assertThat(after.transcoderPid()).as("the same transcoder instance").isEqualTo(before.transcoderPid());
			assertThat(after.generation()).isEqualTo(before.generation());
			assertThat(events(channel)).contains("RECONNECTED").doesNotContain("TRANSCODER_RESTARTED");

			stop(second);
			Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
				.until(() -> channel(channel).get("state").asString().equals("IDLE"));
			Awaitility.await("the transcoder exits with the session").atMost(Duration.ofSeconds(60))
				.until(() -> ProcessHandle.of(before.transcoderPid()).isEmpty());
		}
	}

	/**
	 * The edge's circuit breaker, both ways it opens, in one live session: the origin stops under an edge (a second
	 * one, whose connection to storage the test cuts), then the playlist stops advancing (the transcoder frozen).
	 * Viewers get the "back soon" slate playlist instead of an error or a frozen playlist, and the real one again.
	 */
	@Test
	void aPlaylistThatStopsAdvancingRaisesTheStaleAlarmAndTheEdgeContinuesItWithTheSlateUntilItClears()
			throws Exception {
		JsonNode created = createChannel("Stuck encoder", List.of(), 0);
		UUID channel = UUID.fromString(created.get("channel").get("id").asString());
		Process feed = push(created.get("key").asString(), OPEN_ENDED);
		JsonNode live = awaitState(channel, "LIVE");
		AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
		Awaitility.await().atMost(SOON).until(() -> segments(asset, "360p").size() >= 2);
		theSlateStandsInWhileTheOriginIsAway(asset);
		JsonNode grant = client.grant(asset.toString());
		String cookie = KeyframeClient.cookies(grant);
		String master = grant.get("masterUrl").asString();
		String playlist = (master.contains("?") ? master.substring(0, master.indexOf('?')) : master)
			.replace("master.m3u8", "360p/index.m3u8");
		long transcoder = Awaitility.await().atMost(SOON)
			.until(() -> channels.running(channel).map(SessionMonitor.RunInfo::encoder).orElse(null), pid -> pid != null);
		// the transcoder measures it, the live instance reports it: a second or two after the first segments
		Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
				meters.get("keyframe.live.manifest.age").tag("channel", channel.toString()).gauge().value())
			.isBetween(0.5, 8.0));

		// a transcoder that started late is behind live while it catches up: that may already have raised the alarm
		long alarms = events(channel).stream().filter("STALE"::equals).count();
		long recoveries = events(channel).stream().filter("RECOVERED"::equals).count();
		signal("STOP", transcoder); // frozen, not dead: the process stays, the playlist stops advancing
		try {
			Awaitility.await().atMost(SOON)
				.until(() -> events(channel).stream().filter("STALE"::equals).count() > alarms);
			assertThat(channel(channel).get("session").get("stale").asBoolean()).isTrue();
			// reported by the live instance from the transcoder's last heartbeat: a second behind at most
			Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
					meters.get("keyframe.live.manifest.age").tag("channel", channel.toString()).gauge().value())
				.isGreaterThan(8.0));
			// past the alarm the edge continues the frozen playlist with the slate, though the origin answers
			var continued = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
				.until(() -> client.edge(playlist, cookie), r -> r.status() == 200 && r.body().contains("_back-soon_"));
			assertThat(continued.header("X-Cache")).isEqualTo("Error from keyframe-edge");
		}
		finally {
			signal("CONT", transcoder);
		}
		Awaitility.await().atMost(SOON)
			.until(() -> events(channel).stream().filter("RECOVERED"::equals).count() > recoveries);
		assertThat(channel(channel).get("session").get("stale").asBoolean()).isFalse();
		Awaitility.await("the real playlist again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
			.until(() -> client.edge(playlist, cookie), r -> r.status() == 200 && !r.body().contains("_back-soon_"));
		stop(feed);
		awaitState(channel, "IDLE");
	}

	@Test
	void obsStyleRtmpIngestWorksWithTheKeyAndIsRefusedWithout() throws Exception {
		assertThat(ingest.rtmpPort()).as("nginx with the rtmp module runs as the RTMP front").isPositive();
		JsonNode created = createChannel("Studio OBS", List.of(), 0);
		UUID channel = UUID.fromString(created.get("channel").get("id").asString());
		assertThat(ingestUrl(created, "RTMP").get("server").asString()).startsWith("rtmp://");
		assertThat(ingestUrl(created, "RTMP").get("streamKey").asString()).isEqualTo(created.get("key").asString());

		Process refused = pushRtmp("live_wrong-key", 4);
		assertThat(refused.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(refused.exitValue()).as("nginx drops a publisher whose key the app refuses").isNotZero();

		Process feed = pushRtmp(created.get("key").asString(), OPEN_ENDED);
		JsonNode live = awaitState(channel, "LIVE");
		assertThat(live.get("session").get("protocol").asString()).isEqualTo("RTMP");
		AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
		Awaitility.await().atMost(SOON).until(() -> segments(asset, "240p").size() >= 2);
		stop(feed);
		// nginx drops the puller when the publisher leaves: the session ends at once, not after a read timeout
		Awaitility.await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(300))
			.until(() -> channel(channel).get("state").asString().equals("IDLE"));
	}

	@Test
	void anSrtFeedWithTheStreamKeyAndPassphraseGoesLiveAndASilentCallerEndsIt() throws Exception {
		assertThat(ingest.srtPort()).as("libsrt is loaded and listening").isPositive();
		JsonNode created = createChannel("Field SRT", List.of(), 0);
		UUID channel = UUID.fromString(created.get("channel").get("id").asString());
		String key = created.get("key").asString();
		String passphrase = created.get("srtPassphrase").asString();
		assertThat(passphrase).hasSizeBetween(24, 79);
		assertThat(ingestUrl(created, "SRT").get("server").asString()).startsWith("srt://")
			.endsWith("?streamid=" + key + "&passphrase=" + passphrase);

		Process feed = pushSrt(key, passphrase, OPEN_ENDED);
		JsonNode live = awaitState(channel, "LIVE");
		assertThat(live.get("session").get("protocol").asString()).isEqualTo("SRT");
		AssetId asset = AssetId.of(live.get("session").get("assetId").asString());
		Awaitility.await().atMost(SOON).until(() -> segments(asset, "240p").size() >= 2);
		// a caller that goes silent without hanging up ends its feed after the idle timeout, like a closed one
		signal("STOP", feed.pid());
		try {
			Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
				.until(() -> channel(channel).get("state").asString().equals("IDLE"));
		}
		finally {
			feed.destroyForcibly();
		}
	}

	@Test
	void anSrtCallerWithAWrongPassphraseOrAnUnknownKeyIsRefusedWithNothingStarted() throws Exception {
		assertThat(ingest.srtPort()).as("libsrt is loaded and listening").isPositive();
		double transcoders = meters.counter("keyframe.live.transcoders").count();
		double started = meters.counter("keyframe.live.sessions").count();
		JsonNode created = createChannel("Locked SRT", List.of(), 0);
		UUID channel = UUID.fromString(created.get("channel").get("id").asString());
		String key = created.get("key").asString();
		String passphrase = created.get("srtPassphrase").asString();

		Process wrong = pushSrt(key, "not-the-passphrase-of-this-channel", 3);
		Process unknown = pushSrt("live_not-a-key", passphrase, 3);
		assertThat(wrong.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(unknown.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(wrong.exitValue()).as("the handshake fails on the passphrase").isNotZero();
		assertThat(unknown.exitValue()).as("the listener rejects an unknown key").isNotZero();

		// a channel whose key predates SRT ingest has no passphrase: SRT refuses it until its key is replaced
		JsonNode older = createChannel("Before SRT", List.of(), 0);
		jdbc.update("update live_channel set srt_passphrase = null where id = ?",
				UUID.fromString(older.get("channel").get("id").asString()));
		Process unready = pushSrt(older.get("key").asString(), older.get("srtPassphrase").asString(), 3);
		assertThat(unready.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(unready.exitValue()).as("no passphrase, no SRT").isNotZero();
		assertThat(meters.counter("keyframe.live.refused", "reason", "no-passphrase").count()).isPositive();

		assertThat(channel(channel).get("state").asString()).isEqualTo("IDLE");
		assertThat(client.get("/api/live/channels/" + channel + "/sessions").json().size()).isZero();
		assertThat(meters.counter("keyframe.live.sessions").count()).isEqualTo(started);
		assertThat(meters.counter("keyframe.live.transcoders").count()).isEqualTo(transcoders);
	}

	@Test
	void aLargeRecordingIsStoredInPartsThatCanBeRetried() throws Exception {
		byte[] content = new byte[12 * 1024 * 1024 + 5];
		new java.util.Random(7).nextBytes(content);
		Path file = Files.write(dir.resolve("recording.ts"), content);
		String key = "sources/" + UUID.randomUUID() + "/source";
		storage.putLarge(key, file, "video/mp2t", "private", 5L << 20, 5L << 20);
		assertThat(storage.head(key).orElseThrow().size()).isEqualTo(content.length);
		try (var in = storage.open(key, null).orElseThrow()) {
			assertThat(in.readAllBytes()).isEqualTo(content);
		}
		assertThat(storage.openMultipartUploads(key)).isEmpty();
		storage.deleteAll(List.of(key));
	}

	// helpers

	private JsonNode createChannel(String title, List<String> outputs, int reconnect) {
		var created = client.post("/api/live/channels", Map.of("title", title, "rtmpOutputs", outputs,
				"reconnectWindowSeconds", reconnect));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		return created.json();
	}

	/**
	 * Cuts a second edge off from storage while the channel is live, reads the playlist through it every 0.5 s, and
	 * gives storage back: never an error, the slate after a target duration, numbering that never goes back, a
	 * slate segment that decodes, and the real playlist again.
	 */
	private void theSlateStandsInWhileTheOriginIsAway(AssetId asset) throws Exception {
		dev.keyframe.platform.StorageSettings s3 = app.getBean(dev.keyframe.platform.StorageSettings.class);
		try (TcpRelay relay = TcpRelay.to(s3.endpoint().getPort());
				TestObjectStorage origin = TestObjectStorage.at(java.net.URI.create("http://127.0.0.1:" + relay.port()), s3);
				TestEdge edge = TestEdge.over(origin.storage(), app)) {
			String url = edge.url(AssetKeys.renditionPrefix(asset, "360p") + "index.m3u8");
			String cookie = edge.cookies(AssetKeys.mediaPrefix(asset));
			var real = client.edge(url, cookie);
			assertThat(real.status()).as(real.body()).isEqualTo(200);
			assertThat(real.body()).doesNotContain("_back-soon_");
			long sequence = mediaSequence(real.body());

			relay.stop();
			List<String> seen = new ArrayList<>();
			String slate = null;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			int afterSlate = 0;
			while (afterSlate < 6) {
				assertThat(System.nanoTime()).as("the slate within 30 s: %s", seen).isLessThan(deadline);
				var answer = client.edge(url, cookie);
				seen.add(answer.status() + " " + answer.header("X-Cache") + " " + mediaSequence(answer.body()));
				assertThat(answer.status()).as("never an error while the origin is away: %s", seen).isEqualTo(200);
				assertThat(mediaSequence(answer.body())).as("the numbering never goes back: %s", seen)
					.isGreaterThanOrEqualTo(sequence);
				sequence = mediaSequence(answer.body());
				if (answer.body().contains("_back-soon_")) {
					assertThat(answer.header("X-Cache")).isEqualTo("Error from keyframe-edge");
					assertThat(answer.header("Cache-Control")).isEqualTo("public, max-age=1");
					assertThat(answer.body()).doesNotContain("#EXT-X-ENDLIST");
					slate = segmentsOf(answer.body()).getLast();
					afterSlate++;
				}
				Thread.sleep(500);
			}
			assertThat(slate).matches("_back-soon_[0-9]+\\.ts");
			assertThat(edge.failedOriginFetches()).as("after a failure the origin is left alone for the error TTL (1 s)")
				.isPositive().isLessThan(seen.size() * 0.75);
			var segment = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
				.newBuilder(java.net.URI.create(url.replace("index.m3u8", slate))).header("Cookie", cookie).build(),
					java.net.http.HttpResponse.BodyHandlers.ofByteArray());
			assertThat(segment.statusCode()).isEqualTo(200);
			Path saved = Files.write(dir.resolve("slate.ts"), segment.body());
			assertThat(probe(saved).lines().filter(line -> !line.isBlank()).distinct().toList())
				.as("the slate decodes: picture and sound").containsExactly("h264", "aac");

			relay.start();
			long slateSequence = sequence;
			var back = Awaitility.await("the real playlist once the origin is back").atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> client.edge(url, cookie), r -> r.status() == 200 && !r.body().contains("_back-soon_"));
			assertThat(back.header("X-Cache")).isNotEqualTo("Error from keyframe-edge");
			assertThat(mediaSequence(back.body())).as("the real playlist is ahead of the slate, not behind")
				.isGreaterThanOrEqualTo(slateSequence);
		}
	}

	private static void signal(String signal, long pid) throws IOException, InterruptedException {
		assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start().waitFor()).isZero();
	}

	private JsonNode awaitState(UUID channel, String state) {
		return Awaitility.await().atMost(SOON).pollInterval(Duration.ofMillis(300))
			.until(() -> channel(channel), c -> c.get("state").asString().equals(state));
	}

	/** The same feed pushed as OBS does: FLV over RTMP to the RTMP front. */
	private Process pushRtmp(String key, int seconds) throws IOException {
		return Media.liveFeed(tools.ffmpegPath(), seconds, "flv", "rtmp://127.0.0.1:" + ingest.rtmpPort() + "/live/" + key,
				dir.resolve("rtmp-" + key.hashCode() + ".log"));
	}

	/** The same feed as an SRT caller (OBS, an encoder) sends it: MPEG-TS to the SRT listener. */
	private Process pushSrt(String key, String passphrase, int seconds) throws IOException {
		return Media.liveFeed(tools.ffmpegPath(), seconds, "mpegts", "srt://127.0.0.1:" + ingest.srtPort() + "?streamid="
				+ key + "&passphrase=" + passphrase, dir.resolve("srt-" + (key + passphrase).hashCode() + ".log"));
	}

	/** The issued key's ingest entry for {@code protocol}. */
	private static JsonNode ingestUrl(JsonNode issued, String protocol) {
		for (JsonNode url : issued.get("ingest")) {
			if (url.get("protocol").asString().equals(protocol)) {
				return url;
			}
		}
		throw new AssertionError("No " + protocol + " ingest in " + issued);
	}

	private JsonNode channel(UUID id) {
		return client.get("/api/live/channels/" + id).json();
	}

	/** What a failed wait needs to be understood: the channel's events, the playlist, the transcoders' logs. */
	private String explain(UUID channel, AssetId asset, SessionMonitor.RunInfo... runs) {
		StringBuilder out = new StringBuilder("events:\n");
		client.get("/api/live/channels/" + channel + "/events").json()
			.forEach(e -> out.append("  ").append(e.get("kind").asString()).append(": ").append(e.get("detail")).append('\n'));
		out.append("360p playlist:\n").append(read(AssetKeys.renditionPrefix(asset, "360p") + "index.m3u8"));
		out.append("now: ").append(channels.running(channel).orElse(null)).append('\n');
		Path logs = instance.workDir().getParent().resolve("logs");
		for (SessionMonitor.RunInfo run : runs) {
			Path log = logs.resolve(run.instance() + ".log");
			try {
				List<String> lines = Files.exists(log)
						? Files.readAllLines(log).stream().filter(l -> !l.contains("BaseStdReader")).toList()
						: List.of("(no log at " + log + ")");
				out.append("log of transcoder ").append(run.instance()).append(" (generation ").append(run.generation())
					.append("):\n").append(String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size())))
					.append('\n');
			}
			catch (IOException ex) {
				out.append("(cannot read ").append(log).append(": ").append(ex).append(")\n");
			}
		}
		return out.toString();
	}

	/** The MD5 of each video packet of a transport stream, in order (ffmpeg's framemd5 of the stream copied). */
	private List<String> packetHashes(String input) throws IOException, InterruptedException {
		Process ffmpeg = new ProcessBuilder(tools.ffmpegPath().toString(), "-v", "quiet", "-i", input, "-map", "0:v:0",
				"-c", "copy", "-f", "framemd5", "-").start();
		List<String> hashes = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
			.filter(line -> !line.startsWith("#") && !line.isBlank())
			.map(line -> line.split(",")[5].strip()) // stream, dts, pts, duration, size, hash[, side data]
			.toList();
		ffmpeg.waitFor();
		return hashes;
	}

	private List<String> eventDetails(UUID id, String kind) {
		List<String> details = new ArrayList<>();
		client.get("/api/live/channels/" + id + "/events").json().forEach(e -> {
			if (e.get("kind").asString().equals(kind)) {
				details.add(e.get("detail").asString());
			}
		});
		return details;
	}

	private List<String> events(UUID id) {
		List<String> kinds = new ArrayList<>();
		client.get("/api/live/channels/" + id + "/events").json().forEach(e -> kinds.add(e.get("kind").asString()));
		return kinds;
	}

	/** The broadcaster's feed, POSTed as MPEG-TS with {@code key} for {@code seconds}. */
	/**
	 * A feed that goes on until {@link #stop(Process)}: how long a transcoder instance takes to start must not
	 * decide whether the feed is still there when a test looks.
	 */
	private static final int OPEN_ENDED = 300;

	/** Ends a feed as a broadcaster does: the encoder stops and closes its stream. */
	private static void stop(Process feed) throws IOException, InterruptedException {
		signal("INT", feed.pid());
		assertThat(feed.waitFor(30, TimeUnit.SECONDS)).isTrue();
	}

	private Process push(String key, int seconds) throws IOException {
		return Media.liveFeed(tools.ffmpegPath(), seconds, "mpegts",
				"http://127.0.0.1:" + ingest.httpPort() + "/ingest/" + key, dir.resolve("feed-" + key.hashCode() + ".log"));
	}

	/** A short POST to the ingest endpoint, for its answer. */
	private java.net.http.HttpResponse<String> postIngest(String key) throws IOException, InterruptedException {
		return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
			.newBuilder(java.net.URI.create("http://127.0.0.1:" + ingest.httpPort() + "/ingest/" + key))
			.POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[188 * 100]))
			.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
	}

	private String read(String key) {
		return storage.open(key, null).map(in -> {
			try (in) {
				return new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).orElse("");
	}

	private List<String> segments(AssetId asset, String rendition) {
		return segmentsOf(read(AssetKeys.renditionPrefix(asset, rendition) + "index.m3u8"));
	}

	private static List<String> segmentsOf(String playlist) {
		return playlist.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
	}

	/** Each segment of a low-latency playlist that lists its parts, with them in order. */
	private static Map<String, List<String>> partsBySegment(String playlist) {
		return partListing(playlist).bySegment();
	}

	/** A low-latency playlist's parts: by the segment they belong to, and those after its last segment. */
	private record PartListing(Map<String, List<String>> bySegment, List<String> open) {
	}

	private static final java.util.regex.Pattern PART_URI = java.util.regex.Pattern.compile("URI=\"([^\"]+)\"");

	private static PartListing partListing(String playlist) {
		Map<String, List<String>> segments = new java.util.LinkedHashMap<>();
		List<String> parts = new ArrayList<>();
		for (String line : playlist.split("\n")) {
			var uri = PART_URI.matcher(line);
			if (line.startsWith("#EXT-X-PART:") && uri.find()) {
				parts.add(uri.group(1));
			}
			else if (!line.isBlank() && !line.startsWith("#")) {
				if (!parts.isEmpty()) {
					segments.put(line.strip(), List.copyOf(parts));
				}
				parts.clear();
			}
		}
		return new PartListing(segments, List.copyOf(parts));
	}

	private static long partNumber(String part) {
		return Long.parseLong(part.replaceAll("[^0-9]", ""));
	}

	private static long newestPartNumber(String playlist) {
		return java.util.stream.Stream.concat(partsBySegment(playlist).values().stream().flatMap(List::stream),
				openPartsOf(playlist).stream()).mapToLong(LiveIntegrationTests::partNumber).max().orElse(-1);
	}

	/**
	 * The segments both renditions of a low-latency asset list with their parts, each checked to be the same parts
	 * in both, once there are two. Each rendition's playlist is stored after its own parts and segments, one after
	 * the other, so while a transcoder works through a backlog one can be a round ahead; only the newest 3
	 * segments list their parts.
	 */
	private Map<String, List<String>> sharedWithParts(AssetId asset) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			Map<String, List<String>> higher = partsBySegment(read(AssetKeys.renditionPrefix(asset, "360p") + "index.m3u8"));
			Map<String, List<String>> lower = partsBySegment(read(AssetKeys.renditionPrefix(asset, "240p") + "index.m3u8"));
			Map<String, List<String>> shared = new java.util.LinkedHashMap<>();
			higher.forEach((segment, parts) -> {
				if (lower.containsKey(segment)) {
					assertThat(lower.get(segment)).as("240p " + segment).isEqualTo(parts);
					shared.put(segment, parts);
				}
			});
			if (shared.size() >= 2) {
				return shared;
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("No two segments both renditions list with their parts: " + higher + " and "
						+ lower);
			}
			Thread.sleep(200);
		}
	}

	/** The parts a low-latency playlist lists after its last segment. */
	private static List<String> openPartsOf(String playlist) {
		return partListing(playlist).open();
	}

	private static long mediaSequence(String playlist) {
		return playlist.lines().filter(l -> l.startsWith("#EXT-X-MEDIA-SEQUENCE:"))
			.mapToLong(l -> Long.parseLong(l.substring("#EXT-X-MEDIA-SEQUENCE:".length()).strip()))
			.findFirst().orElseThrow();
	}

	/** The parts listed after the last segment: those of the segment being made. */
	private static int openParts(String playlist) {
		int open = 0;
		for (String line : playlist.split("\n")) {
			if (line.startsWith("#EXT-X-PART:")) {
				open++;
			}
			else if (!line.isBlank() && !line.startsWith("#")) {
				open = 0;
			}
		}
		return open;
	}

	private static String hint(String playlist) {
		var hint = java.util.regex.Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([^\"]+)\"").matcher(playlist);
		assertThat(hint.find()).as(playlist).isTrue();
		return hint.group(1);
	}

	private byte[] bytes(String key) {
		return storage.open(key, null).map(in -> {
			try (in) {
				return in.readAllBytes();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}).orElseThrow(() -> new AssertionError("not in storage: " + key));
	}

	private String probe(Path file) throws IOException, InterruptedException {
		Process probe = new ProcessBuilder(tools.ffprobePath().toString(), "-v", "error", "-show_entries",
				"stream=codec_name", "-of", "csv=p=0", file.toString())
			.redirectErrorStream(true)
			.start();
		String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		probe.waitFor();
		return out;
	}

	/** Each segment of a playlist with its program date time. */
	private static Map<String, java.time.Instant> datesOf(String playlist) {
		Map<String, java.time.Instant> dates = new java.util.LinkedHashMap<>();
		java.time.Instant pending = null;
		for (String line : playlist.split("\n")) {
			if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
				pending = java.time.OffsetDateTime
					.parse(line.substring("#EXT-X-PROGRAM-DATE-TIME:".length()).strip()
						.replaceAll("([+-]\\d\\d)(\\d\\d)$", "$1:$2"))
					.toInstant();
			}
			else if (!line.isBlank() && !line.startsWith("#") && pending != null) {
				dates.put(line.strip(), pending);
				pending = null;
			}
		}
		return dates;
	}

	/** Discontinuities since the session began: those that slid out of the window, and those still in it. */
	static int discontinuities(String playlist) {
		int gone = playlist.lines().filter(l -> l.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:"))
			.mapToInt(l -> Integer.parseInt(l.substring("#EXT-X-DISCONTINUITY-SEQUENCE:".length()).strip()))
			.findFirst().orElse(0);
		return gone + (int) playlist.lines().filter(l -> l.equals("#EXT-X-DISCONTINUITY")).count();
	}

	/** A stored segment's streams: {@code type,width,height} a line each. */
	private String describe(AssetId asset, String rendition, String segment) throws IOException, InterruptedException {
		String url = storage.presignGet(AssetKeys.renditionPrefix(asset, rendition) + segment, Duration.ofMinutes(5));
		Process probe = new ProcessBuilder(tools.ffprobePath().toString(), "-v", "error", "-show_entries",
				"stream=codec_type,width,height", "-of", "csv=p=0", url)
			.redirectErrorStream(true)
			.start();
		String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		probe.waitFor();
		return out;
	}

	/** The loudest sample of a stored segment's audio, in dB below full scale (about -91 for digital silence). */
	private double loudestDb(AssetId asset, String rendition, String segment) throws IOException, InterruptedException {
		String url = storage.presignGet(AssetKeys.renditionPrefix(asset, rendition) + segment, Duration.ofMinutes(5));
		Process measure = new ProcessBuilder(tools.ffmpegPath().toString(), "-hide_banner", "-nostats", "-i", url,
				"-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-")
			.redirectErrorStream(true)
			.start();
		String out = new String(measure.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		measure.waitFor();
		var max = java.util.regex.Pattern.compile("max_volume: (-?[0-9.]+|-inf) dB").matcher(out);
		assertThat(max.find()).as(out).isTrue();
		return max.group(1).equals("-inf") ? -200 : Double.parseDouble(max.group(1));
	}

	private double firstPts(AssetId asset, String rendition, String segment) throws IOException, InterruptedException {
		String url = storage.presignGet(AssetKeys.renditionPrefix(asset, rendition) + segment, Duration.ofMinutes(5));
		Process probe = new ProcessBuilder(tools.ffprobePath().toString(), "-v", "error", "-select_streams", "v:0",
				"-show_entries", "packet=pts_time", "-read_intervals", "%+#1", "-of", "csv=p=0", url)
			.redirectErrorStream(true)
			.start();
		String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		probe.waitFor();
		// a part that opens without a keyframe makes the decoder complain first: those lines are not timestamps
		return Double.parseDouble(out.lines().map(l -> l.replace(",", "").strip()).filter(l -> l.matches("-?[0-9.]+"))
			.findFirst().orElseThrow(() -> new AssertionError("no timestamp in " + out)));
	}

}
