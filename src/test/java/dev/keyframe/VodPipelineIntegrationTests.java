package dev.keyframe;

import static dev.keyframe.support.KeyframeClient.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.keyframe.platform.MediaTools;
import dev.keyframe.support.KeyframeClient;
import dev.keyframe.support.Media;
import tools.jackson.databind.JsonNode;

/**
 * The VOD path end to end over the real local stack: bytes go to storage through presigned part URLs, the job
 * messages go through SQS, ffmpeg makes the ladder, and what players fetch is checked with ffprobe.
 */
@KeyframeIntegrationTest
class VodPipelineIntegrationTests {

	private static final Duration ENCODE = Duration.ofSeconds(120);

	@LocalServerPort
	int port;

	@Autowired
	MediaTools tools;

	@Autowired
	dev.keyframe.identity.Accounts accounts;

	@TempDir
	Path dir;

	KeyframeClient client;

	@BeforeEach
	void client() {
		client = KeyframeClient.admin(port, accounts);
	}

	@Test
	void uploadsInPartsTranscodesAlignedRenditionsAndServesThem() throws IOException {
		Path clip = Media.clip(tools.ffmpegPath(), dir, 640, 360, 9, true);
		JsonNode upload = client.start(clip, "video/mp4", "Test pattern");
		assertThat(upload.get("partCount").asInt()).as("a multipart upload").isGreaterThan(1);
		List<Map<String, Object>> parts = new ArrayList<>();
		for (int n = 1; n <= upload.get("partCount").asInt(); n++) {
			parts.add(Map.of("partNumber", n, "etag", client.putPart(clip, upload, n)));
		}
		JsonNode completed = client.complete(upload, parts).json();
		assertThat(completed.get("status").asString()).isEqualTo("PROCESSING");
		String id = completed.get("assetId").asString();

		JsonNode asset = client.awaitAsset(id, ENCODE, status("READY"));

		assertThat(asset.get("width").asInt()).isEqualTo(640);
		assertThat(asset.get("durationMs").asLong()).isBetween(8900L, 9100L);
		assertThat(asset.get("videoCodec").asString()).isEqualTo("h264");
		List<String> profiles = new ArrayList<>();
		asset.get("renditions").forEach(r -> profiles.add(r.get("profile").asString()));
		assertThat(profiles).as("480p is above the 360p source and is skipped; the audio is its own rendition")
			.containsExactlyInAnyOrder("360p", "240p", "audio");
		asset.get("jobs").forEach(job -> {
			assertThat(job.get("state").asString()).isEqualTo("DONE");
			assertThat(job.get("attempts").asInt()).isEqualTo(1);
		});

		// played as a viewer plays it: a grant, then the CDN (the local edge) with the signed URL and cookies
		assertThat(asset.get("lastPlayedAt").isNull()).as("nobody has played it yet").isTrue();
		JsonNode grant = client.grant(id);
		String playedAt = client.asset(id).get("lastPlayedAt").asString();
		assertThat(playedAt).as("a grant is a play").isNotEmpty();
		client.grant(id);
		assertThat(client.asset(id).get("lastPlayedAt").asString()).as("recorded at most once an hour")
			.isEqualTo(playedAt);
		String masterUrl = grant.get("masterUrl").asString();
		assertThat(masterUrl).contains("/media/" + id + "/master.m3u8?Policy=").contains("&Key-Pair-Id=");
		KeyframeClient.Response master = client.edge(masterUrl, "");
		assertThat(master.status()).as("the signed URL alone opens the master playlist").isEqualTo(200);
		assertThat(master.header("Content-Type")).isEqualTo("application/vnd.apple.mpegurl");
		assertThat(master.header("Cache-Control")).isEqualTo("public, max-age=2");
		assertThat(master.body()).contains("RESOLUTION=640x360", "RESOLUTION=426x240", "CODECS=\"avc1.", "mp4a.40.2",
				"360p/index.m3u8", "240p/index.m3u8").containsPattern("BANDWIDTH=\\d{5,}");

		String prefix = masterUrl.substring(0, masterUrl.indexOf("master.m3u8"));
		String cookie = KeyframeClient.cookies(grant);
		assertThat(Media.videoStream(tools.ffprobePath(), prefix + "360p/index.m3u8", cookie)).isEqualTo("h264,640,360");
		assertThat(Media.videoStream(tools.ffprobePath(), prefix + "240p/index.m3u8", cookie)).isEqualTo("h264,426,240");
		List<Double> high = Media.keyframes(tools.ffprobePath(), prefix + "360p/index.m3u8", cookie);
		List<Double> low = Media.keyframes(tools.ffprobePath(), prefix + "240p/index.m3u8", cookie);
		assertThat(high).as("a keyframe every 2 s").hasSize(5);
		for (int i = 0; i < high.size(); i++) {
			assertThat(low.get(i)).as("keyframe " + i + " at the same time in both renditions")
				.isCloseTo(high.get(i), org.assertj.core.data.Offset.offset(0.017));
			assertThat(high.get(i)).isCloseTo(i * 2.0, org.assertj.core.data.Offset.offset(0.017));
		}

		assertThat(client.edge(prefix + "240p/index.m3u8", cookie).body()).as("CMAF: fragmented MP4 after an init segment")
			.contains("#EXT-X-VERSION:7", "#EXT-X-MAP:URI=\"init.mp4\"", "seg_00000.m4s").doesNotContain(".ts");
		KeyframeClient.Response init = client.edge(prefix + "240p/init.mp4", cookie);
		assertThat(init.status()).isEqualTo(200);
		assertThat(init.header("Content-Type")).isEqualTo("video/mp4");
		assertThat(init.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
		KeyframeClient.Response segment = client.edge(prefix + "240p/seg_00000.m4s", cookie);
		assertThat(segment.status()).isEqualTo(200);
		assertThat(segment.header("Content-Type")).isEqualTo("video/iso.segment");
		assertThat(segment.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
		assertThat(client.edge(prefix + "240p/seg_00000.m4s", "").status()).as("no cookies, no segment").isEqualTo(403);
		JsonNode withPoster = client.awaitAsset(id, Duration.ofSeconds(20), a -> !a.get("posterUrl").isNull());
		KeyframeClient.Response poster = client.edge(withPoster.get("posterUrl").asString(), "");
		assertThat(poster.status()).as("the poster's own signed URL opens it").isEqualTo(200);
		assertThat(poster.header("Content-Type")).isEqualTo("image/jpeg");
	}

	/**
	 * A 21 s source in 8 s chunks (the tests' setting): each rung is three jobs, [0, 8), [8, 16) and [16, end),
	 * which join into exactly what one encode would make.
	 */
	@Test
	void aLongSourceIsEncodedInChunksThatJoinFrameAccuratelyWithTheAudioInOnePiece() throws Exception {
		Path clip = Media.clip(tools.ffmpegPath(), dir, 640, 360, 21, true);
		String id = client.upload(clip, "video/mp4", "Chunked").get("assetId").asString();

		JsonNode asset = client.awaitAsset(id, ENCODE, status("READY"));

		Map<String, JsonNode> jobs = new java.util.HashMap<>();
		asset.get("jobs").forEach(job -> jobs.put(job.get("profile").asString(), job));
		assertThat(jobs.keySet()).containsExactlyInAnyOrder("360p", "240p", "audio");
		assertThat(jobs.get("360p").get("chunks").asInt()).isEqualTo(3);
		assertThat(jobs.get("240p").get("chunksDone").asInt()).isEqualTo(3);
		assertThat(jobs.get("audio").get("chunks").asInt()).as("the audio is encoded once").isEqualTo(1);
		assertThat(java.time.Instant.parse(asset.get("firstPlayableAt").asString()))
			.isBeforeOrEqualTo(java.time.Instant.parse(asset.get("keeping").get("readyAt").asString()));

		JsonNode grant = client.grant(id);
		String masterUrl = grant.get("masterUrl").asString();
		String prefix = masterUrl.substring(0, masterUrl.indexOf("master.m3u8"));
		String cookie = KeyframeClient.cookies(grant);
		assertThat(client.edge(masterUrl, "").body()).contains("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\"",
				"AUDIO=\"audio\"", "CODECS=\"avc1.");
		Map<String, List<String>> durations = new java.util.HashMap<>();
		for (String profile : List.of("360p", "240p", "audio")) {
			String playlist = client.edge(prefix + profile + "/index.m3u8", cookie).body();
			assertThat(playlist).as(profile + " is a finished VOD playlist").contains("#EXT-X-PLAYLIST-TYPE:VOD")
				.endsWith("#EXT-X-ENDLIST\n").doesNotContain("EXT-X-START");
			durations.put(profile, playlist.lines().filter(l -> l.startsWith("#EXTINF:")).toList());
		}
		assertThat(durations.get("360p")).as("segment N covers the same interval in every rendition")
			.isEqualTo(durations.get("240p"))
			.containsExactly("#EXTINF:4.000000,", "#EXTINF:4.000000,", "#EXTINF:4.000000,", "#EXTINF:4.000000,",
					"#EXTINF:4.000000,", "#EXTINF:1.000000,");
		for (String profile : List.of("360p", "240p")) {
			String playlist = prefix + profile + "/index.m3u8";
			assertThat(Media.frameCount(tools.ffprobePath(), playlist, cookie)).as(profile + ": the source's frames")
				.isEqualTo(21 * 30);
			Path joined = Media.joined(playlist, cookie, dir.resolve(profile + ".mp4"));
			List<Double> frames = Media.packetTimes(tools.ffprobePath(), joined.toString(), "", "v");
			for (int i = 1; i < frames.size(); i++) {
				assertThat(frames.get(i) - frames.get(i - 1)).as(profile + ": frame " + i + " follows the one before")
					.isCloseTo(1 / 30.0, org.assertj.core.data.Offset.offset(0.002));
			}
			List<Double> keyframes = Media.keyframes(tools.ffprobePath(), playlist, cookie);
			assertThat(keyframes).as(profile + ": a keyframe every 2 s, chunks included").hasSize(11);
			for (int i = 0; i < keyframes.size(); i++) {
				assertThat(keyframes.get(i)).isCloseTo(i * 2.0, org.assertj.core.data.Offset.offset(0.017));
			}
		}
		Path joinedAudio = Media.joined(prefix + "audio/index.m3u8", cookie, dir.resolve("audio.mp4"));
		List<Double> audio = Media.packetTimes(tools.ffprobePath(), joinedAudio.toString(), "", "a");
		double frame = 1024 / 48_000.0;
		for (int i = 1; i < audio.size(); i++) {
			assertThat(audio.get(i) - audio.get(i - 1)).as("audio packet " + i + ": no gap, no overlap")
				.isCloseTo(frame, org.assertj.core.data.Offset.offset(0.001));
		}
		assertThat(audio.getLast() + frame - audio.getFirst()).as("the audio lasts as long as the source")
			.isCloseTo(21.0, org.assertj.core.data.Offset.offset(0.05));
		double videoStart = Media.packetTimes(tools.ffprobePath(), dir.resolve("360p.mp4").toString(), "", "v").getFirst();
		assertThat(videoStart - audio.getFirst()).as("picture and sound start together (after the AAC priming)")
			.isCloseTo(frame, org.assertj.core.data.Offset.offset(0.002));

		// DASH: an MPD of the same segments, signed like the master, that ffmpeg's DASH reader plays through
		String dashUrl = grant.get("dashUrl").asString();
		assertThat(dashUrl).contains("/media/" + id + "/manifest.mpd?Policy=");
		KeyframeClient.Response mpd = client.edge(dashUrl, "");
		assertThat(mpd.status()).as("the signed URL alone opens the MPD").isEqualTo(200);
		assertThat(mpd.header("Content-Type")).isEqualTo("application/dash+xml");
		assertThat(mpd.header("Cache-Control")).isEqualTo("public, max-age=2");
		org.w3c.dom.Document document = javax.xml.parsers.DocumentBuilderFactory.newInstance()
			.newDocumentBuilder()
			.parse(new java.io.ByteArrayInputStream(mpd.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
		assertThat(document.getDocumentElement().getAttribute("mediaPresentationDuration")).isEqualTo("PT21.000S");
		org.w3c.dom.NodeList representations = document.getElementsByTagName("Representation");
		Map<String, String> codecs = new java.util.TreeMap<>();
		for (int i = 0; i < representations.getLength(); i++) {
			org.w3c.dom.Element representation = (org.w3c.dom.Element) representations.item(i);
			codecs.put(representation.getAttribute("id"), representation.getAttribute("codecs"));
			long segments = 0;
			org.w3c.dom.NodeList entries = representation.getElementsByTagName("S");
			for (int e = 0; e < entries.getLength(); e++) {
				String repeat = ((org.w3c.dom.Element) entries.item(e)).getAttribute("r");
				segments += 1 + (repeat.isEmpty() ? 0 : Long.parseLong(repeat));
			}
			assertThat(segments).as(representation.getAttribute("id") + ": every stored segment")
				.isEqualTo(durations.get(representation.getAttribute("id")).size());
		}
		assertThat(codecs.keySet()).containsExactly("240p", "360p", "audio");
		assertThat(client.edge(masterUrl, "").body()).as("the codecs the master gives")
			.contains("CODECS=\"" + codecs.get("360p") + "," + codecs.get("audio") + "\"")
			.contains("CODECS=\"" + codecs.get("240p") + "," + codecs.get("audio") + "\"");
		List<String> streams = Media.run(List.of(tools.ffprobePath().toString(), "-v", "error", "-headers",
				"Cookie: " + cookie + "\r\n", "-count_packets", "-show_entries",
				"stream=codec_name,width,height,nb_read_packets", "-of", "csv=p=0", dashUrl))
			.stream()
			.filter(line -> !line.isBlank())
			.distinct() // each stream is listed in its program and on its own
			.toList();
		assertThat(streams).as("ffprobe reads every representation through the MPD, each whole").hasSize(3)
			.contains("h264,426,240,630", "h264,640,360,630");
		String sound = streams.stream().filter(line -> line.startsWith("aac,")).findFirst().orElseThrow();
		assertThat(Integer.parseInt(sound.substring(4))).as("the AAC frames (the priming one may be skipped)")
			.isBetween(audio.size() - 1, audio.size());
	}

	@Test
	void anInterlacedSourceComesOutProgressive() throws IOException {
		Path clip = Media.interlaced(tools.ffmpegPath(), dir, true, true, 4);
		int[] source = Media.fieldDetection(tools.ffmpegPath(), clip.toString(), "");
		assertThat(source[0]).as("idet sees the source's fields (top first)").isGreaterThan(source[2]);
		String id = client.upload(clip, "video/mp4", "576i").get("assetId").asString();
		client.awaitAsset(id, ENCODE, status("READY"));
		JsonNode grant = client.grant(id);
		String masterUrl = grant.get("masterUrl").asString();
		String prefix = masterUrl.substring(0, masterUrl.indexOf("master.m3u8"));

		int[] rendition = Media.fieldDetection(tools.ffmpegPath(), prefix + "480p/index.m3u8",
				KeyframeClient.cookies(grant));
		assertThat(rendition[2]).as("progressive frames of 100 (TFF %d, BFF %d)", rendition[0], rendition[1])
			.isGreaterThan(9 * (rendition[0] + rendition[1]));
		assertThat(Media.frameCount(tools.ffprobePath(), prefix + "480p/index.m3u8", KeyframeClient.cookies(grant)))
			.as("one frame per frame: 4 s at 25 fps").isEqualTo(100);
	}

	@Test
	void aLastSegmentOfASliverIsFoldedIntoTheOneBefore() throws IOException {
		// a 20 s tone: AAC's packets run 21 ms past 20 s, which ffmpeg cuts into a segment of its own
		Path tone = Media.tone(tools.ffmpegPath(), dir, 20);
		String id = client.upload(tone, "audio/mp4", "Tone").get("assetId").asString();
		client.awaitAsset(id, ENCODE, status("READY"));
		JsonNode grant = client.grant(id);
		String masterUrl = grant.get("masterUrl").asString();
		String prefix = masterUrl.substring(0, masterUrl.indexOf("master.m3u8"));
		String playlist = client.edge(prefix + "audio-64k/index.m3u8", KeyframeClient.cookies(grant)).body();

		List<Double> segments = playlist.lines().filter(l -> l.startsWith("#EXTINF:"))
			.map(l -> Double.valueOf(l.substring(8, l.indexOf(',')))).toList();
		assertThat(segments).as(playlist).hasSize(5).allMatch(d -> d > 3.9);
		assertThat(segments.stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(20.02,
				org.assertj.core.data.Offset.offset(0.05));
		assertThat(playlist).contains("#EXT-X-TARGETDURATION:4");
	}

	@Test
	void aFileThatIsNotMediaEndsFailedWithAReasonAndNoJobs() throws IOException {
		Path text = Media.write(dir, "notes.mp4", "These are meeting notes, not a video.\n".repeat(200).getBytes());
		JsonNode completed = client.upload(text, "video/mp4", "Not a video");

		assertThat(completed.get("status").asString()).isEqualTo("FAILED");
		assertThat(completed.get("reason").asString()).contains("not a video or audio file");
		JsonNode asset = client.asset(completed.get("assetId").asString());
		assertThat(asset.get("status").asString()).isEqualTo("FAILED");
		assertThat(asset.get("statusReason").asString()).contains("not a video or audio file");
		assertThat(asset.get("jobs")).isEmpty();
	}

	@Test
	void aFileThatRefersToOtherUrlsIsRefusedWithoutThemBeingFetched() throws IOException {
		var hits = new java.util.concurrent.atomic.AtomicInteger();
		var internal = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
		internal.createContext("/", exchange -> {
			hits.incrementAndGet();
			exchange.sendResponseHeaders(404, -1);
			exchange.close();
		});
		internal.start();
		try {
			Path list = Media.write(dir, "movie.mp4", ("ffconcat version 1.0\nfile 'http://127.0.0.1:"
					+ internal.getAddress().getPort() + "/internal/secret.mp4'\n").getBytes());
			JsonNode completed = client.upload(list, "video/mp4", "Sneaky");

			assertThat(completed.get("status").asString()).isEqualTo("FAILED");
			assertThat(completed.get("reason").asString()).contains("not accepted");
			assertThat(hits).as("requests that reached the internal address").hasValue(0);
		}
		finally {
			internal.stop(0);
		}
	}

	@Test
	void aTruncatedFileEndsFailedWithAReason() throws IOException {
		Path clip = Media.clip(tools.ffmpegPath(), dir, 320, 180, 2, true);
		byte[] whole = java.nio.file.Files.readAllBytes(clip);
		// without faststart the index (moov) is at the end, so the first half of the file has none
		Path cut = Media.write(dir, "cut.mp4", java.util.Arrays.copyOf(whole, whole.length / 2));
		JsonNode completed = client.upload(cut, "video/mp4", "Cut short");

		assertThat(completed.get("status").asString()).isEqualTo("FAILED");
		assertThat(completed.get("reason").asString()).contains("incomplete", "truncated");
	}

	@Test
	void missingPartsAreRefusedAndTheUploadResumesFromStoredParts() throws IOException {
		Path clip = Media.clip(tools.ffmpegPath(), dir, 640, 360, 8, false);
		JsonNode upload = client.start(clip, "video/mp4", "Resumed");
		String first = client.putPart(clip, upload, 1);

		KeyframeClient.Response early = client.complete(upload, List.of(Map.of("partNumber", 1, "etag", first)));
		assertThat(early.status()).isEqualTo(400);
		assertThat(early.json().get("detail").asString()).contains("not stored yet", "The parts already stored are kept");

		JsonNode stored = client.get("/api/uploads/" + upload.get("uploadId").asString()).json();
		assertThat(stored.get("storedParts")).hasSize(1);
		assertThat(stored.get("storedParts").get(0).get("partNumber").asInt()).isEqualTo(1);

		List<Map<String, Object>> parts = new ArrayList<>(List.of(Map.of("partNumber", 1, "etag", first)));
		for (int n = 2; n <= upload.get("partCount").asInt(); n++) {
			parts.add(Map.of("partNumber", n, "etag", client.putPart(clip, upload, n)));
		}
		KeyframeClient.Response completed = client.complete(upload, parts);
		assertThat(completed.status()).isEqualTo(200);
		assertThat(completed.json().get("status").asString()).isEqualTo("PROCESSING");
		KeyframeClient.Response again = client.complete(upload, parts);
		assertThat(again.status()).as("completing twice is harmless").isEqualTo(200);
		client.awaitAsset(completed.json().get("assetId").asString(), ENCODE, status("READY"));
	}

	@Test
	void storageRefusesAPartOfAnotherSizeThanTheUploadClaimed() {
		JsonNode upload = client.post("/api/uploads",
				Map.of("filename", "small.mp4", "size", 1000, "contentType", "video/mp4"))
			.json();
		String url = upload.get("parts").get(0).get("url").asString();

		for (int size : new int[] { 558_679, 1001, 999 }) {
			int status;
			try {
				status = client.putBytes(url, new byte[size]).status();
			}
			catch (IllegalStateException closed) {
				// storage answered 403 and closed the connection before reading the whole body: refused as well
				status = -1;
			}
			assertThat(status).as(size + " bytes into a part of 1000").isIn(403, -1);
		}
		JsonNode stored = client.get("/api/uploads/" + upload.get("uploadId").asString()).json();
		assertThat(stored.get("storedParts")).as("nothing stored").isEmpty();
		assertThat(client.putBytes(url, new byte[1000]).status()).isEqualTo(200);
		client.delete("/api/uploads/" + upload.get("uploadId").asString());
	}

	@Test
	void uploadsAboveTheSizeLimitAreRefusedWhenCreated() {
		KeyframeClient.Response refused = client.post("/api/uploads",
				Map.of("filename", "huge.mov", "size", 5L * 1024 * 1024 * 1024, "contentType", "video/quicktime"));
		assertThat(refused.status()).isEqualTo(413);
		assertThat(refused.json().get("detail").asString()).contains("largest file this Keyframe accepts is 1.0 GiB");
	}

	@Test
	void audioOnlyFilesGetAudioRenditions() throws IOException {
		Path tone = Media.tone(tools.ffmpegPath(), dir, 6);
		String id = client.upload(tone, "audio/mp4", "Tone").get("assetId").asString();

		JsonNode asset = client.awaitAsset(id, ENCODE, status("READY"));
		assertThat(asset.get("renditions")).hasSize(2);
		asset.get("renditions").forEach(r -> {
			assertThat(r.get("kind").asString()).isEqualTo("AUDIO");
			assertThat(r.get("codecs").asString()).isEqualTo("mp4a.40.2");
		});
		assertThat(client.edge(client.grant(id).get("masterUrl").asString(), "").body()).contains("audio-128k/index.m3u8")
			.doesNotContain("RESOLUTION");
	}

	@Test
	void portraitOddSizedVideoWithoutAudioGetsOneRungAtItsOwnSize() throws IOException {
		Path clip = Media.clip(tools.ffmpegPath(), dir, 203, 360, 4, false);
		String id = client.upload(clip, "video/mp4", "Portrait").get("assetId").asString();

		JsonNode asset = client.awaitAsset(id, ENCODE, status("READY"));
		assertThat(asset.get("renditions")).hasSize(1);
		JsonNode rendition = asset.get("renditions").get(0);
		assertThat(rendition.get("width").asInt()).isEqualTo(202);
		assertThat(rendition.get("height").asInt()).isBetween(358, 360);
		assertThat(rendition.get("codecs").asString()).startsWith("avc1.").doesNotContain("mp4a");
	}

	@Test
	void assetsAreListedNewestFirstAndCanBeDeletedWithTheirObjects() throws IOException {
		Path tone = Media.tone(tools.ffmpegPath(), dir, 2);
		String id = client.upload(tone, "audio/mp4", "To delete").get("assetId").asString();
		JsonNode asset = client.awaitAsset(id, ENCODE, status("READY"));

		JsonNode page = client.get("/api/assets?status=READY&size=5").json();
		assertThat(page.get("items").get(0).get("id").asString()).isEqualTo(id);
		String masterUrl = client.grant(id).get("masterUrl").asString();
		assertThat(client.edge(masterUrl, "").status()).isEqualTo(200);

		assertThat(client.delete("/api/assets/" + id).status()).isEqualTo(204);
		assertThat(client.get("/api/assets/" + id).status()).isEqualTo(404);
		assertThat(client.get("/api/playback/" + id).status()).isEqualTo(404);
		// the edge may serve its copy for the playlist's two-second cache life, not longer
		Awaitility.await().atMost(Duration.ofSeconds(6)).until(() -> client.edge(masterUrl, "").status() == 404);
	}

	@Test
	void theApiIsDocumentedAndHealthCoversEveryDependency() {
		assertThat(client.get("/v3/api-docs").body()).contains("/api/uploads/{id}/complete", "/api/assets/{id}/retry");
		assertThat(client.get("/swagger-ui/index.html").status()).isEqualTo(200);
		JsonNode health = client.get("/actuator/health").json();
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.get("components").propertyNames()).contains("db", "storage", "queue", "ffmpeg");
		assertThat(client.get("/actuator/prometheus").body()).contains("keyframe_queue_depth",
				"keyframe_transcode_jobs{state=\"DONE\"}");
	}

}
