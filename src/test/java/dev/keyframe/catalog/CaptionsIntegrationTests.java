package dev.keyframe.catalog;

import static dev.keyframe.support.KeyframeClient.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.keyframe.KeyframeIntegrationTest;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.support.KeyframeClient;
import dev.keyframe.support.Media;
import tools.jackson.databind.JsonNode;

/**
 * Captions and subtitles over the real stack: cue files through the API, the segmented WebVTT and the master
 * playlist through the signed edge, and the cue clock checked against the segments' own timestamps with ffprobe.
 */
@KeyframeIntegrationTest
class CaptionsIntegrationTests {

	static final String SUBRIP = """
			1
			00:00:01,000 --> 00:00:02,500
			<i>Hello</i> from the test pattern

			2
			00:00:05,000 --> 00:00:07,000
			Fish & chips
			""";

	static final String WEBVTT = """
			WEBVTT

			00:01.000 --> 00:03.000 line:0
			[Musik]
			""";

	@LocalServerPort
	int port;

	@Autowired
	MediaTools tools;

	@Autowired
	ObjectStorage storage;

	@Autowired
	dev.keyframe.identity.Accounts accounts;

	@TempDir
	Path dir;

	KeyframeClient client;

	@BeforeEach
	void client() {
		client = KeyframeClient.admin(port, accounts);
	}

	private String edge(String url, java.util.function.Predicate<String> until) {
		return org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> client.edge(url, "").body(), until);
	}

	private String stored(String key) throws java.io.IOException {
		try (var in = storage.open(key, null).orElseThrow()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	@Test
	void captionsAreAddedReplacedAndRemovedWithoutTouchingTheVideoAndABrokenFileChangesNothing() throws Exception {
		String id = client.upload(Media.clip(tools.ffmpegPath(), dir, 640, 360, 9, true), "video/mp4", "Captioned")
			.get("assetId").asString();
		JsonNode ready = client.awaitAsset(id, Duration.ofSeconds(120), status("READY"));
		String path = "/api/assets/" + id + "/text-tracks";
		JsonNode grant = client.grant(id);
		String cookie = KeyframeClient.cookies(grant);
		String masterUrl = grant.get("masterUrl").asString();
		String media = masterUrl.substring(0, masterUrl.indexOf("master.m3u8"));
		String before = stored(AssetKeys.master(AssetId.of(id)));
		assertThat(before).doesNotContain("SUBTITLES");

		// a broken file: a 400 with the line, and nothing changed
		var broken = client.sendFile("POST", path + "?language=en", (SUBRIP + "\n3\n00:00:08,000 -> 00:00:09,000\nx\n")
			.getBytes(StandardCharsets.UTF_8), "application/x-subrip");
		assertThat(broken.status()).as(broken.body()).isEqualTo(400);
		assertThat(broken.json().get("detail").asString()).startsWith("Line 10: expected a time range");
		var latin1 = client.sendFile("POST", path + "?language=fr",
				"1\n00:00:01,000 --> 00:00:02,000\nD\u00e9j\u00e0 vu\n".getBytes(StandardCharsets.ISO_8859_1), "text/plain");
		assertThat(latin1.status()).isEqualTo(400);
		assertThat(latin1.json().get("detail").asString()).startsWith("Line 3 is not UTF-8 text");
		var late = client.sendFile("POST", path + "?language=en",
				"1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:10:00,000 --> 00:10:02,000\nanother film\n"
					.getBytes(StandardCharsets.UTF_8), "application/x-subrip");
		assertThat(late.status()).isEqualTo(400);
		assertThat(late.json().get("detail").asString()).startsWith("Line 6: the cue starts at 00:10:00.000, after the video ends");
		assertThat(client.sendFile("POST", path + "?language=english!", SUBRIP.getBytes(StandardCharsets.UTF_8),
				"application/x-subrip").status()).as("not a language tag").isEqualTo(400);
		var huge = client.sendFile("POST", path + "?language=en", new byte[Captions.MAX_BYTES + 1], "text/vtt");
		assertThat(huge.status()).as(huge.body()).isEqualTo(413);
		assertThat(client.get(path).json()).as("nothing was added").isEmpty();
		assertThat(storage.list(AssetKeys.mediaPrefix(AssetId.of(id)) + "text/")).as("nor stored").isEmpty();
		assertThat(stored(AssetKeys.master(AssetId.of(id)))).isEqualTo(before);

		// subtitles from SubRip, shown by default, and captions from WebVTT
		var english = client.sendFile("POST", path + "?language=en&isDefault=true",
				SUBRIP.getBytes(StandardCharsets.UTF_8), "application/x-subrip");
		assertThat(english.status()).as(english.body()).isEqualTo(201);
		assertThat(english.json().get("name").asString()).isEqualTo("English");
		assertThat(english.json().get("cueCount").asInt()).isEqualTo(2);
		assertThat(english.json().get("lastCueMs").asLong()).isEqualTo(7000);
		var german = client.sendFile("POST", path + "?language=de&kind=CAPTIONS", WEBVTT.getBytes(StandardCharsets.UTF_8),
				"text/vtt");
		assertThat(german.status()).as(german.body()).isEqualTo(201);
		assertThat(german.json().get("name").asString()).isEqualTo("Deutsch (CC)");
		var twice = client.sendFile("POST", path + "?language=en", WEBVTT.getBytes(StandardCharsets.UTF_8), "text/vtt");
		assertThat(twice.status()).as("one track per language and kind").isEqualTo(409);
		String englishId = english.json().get("id").asString();
		String germanId = german.json().get("id").asString();

		// what players see within the master's two seconds at the edge
		String master = edge(masterUrl, m -> m.contains("SUBTITLES"));
		assertThat(master).contains("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"text\",NAME=\"Deutsch (CC)\",LANGUAGE=\"de\","
				+ "DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,CHARACTERISTICS=\"public.accessibility.transcribes-spoken-dialog,"
				+ "public.accessibility.describes-music-and-sound\",URI=\"text/" + germanId + "-r1/index.m3u8\"")
			.contains("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"text\",NAME=\"English\",LANGUAGE=\"en\",DEFAULT=YES,"
					+ "AUTOSELECT=YES,FORCED=NO,URI=\"text/" + englishId + "-r1/index.m3u8\"");
		assertThat(master.lines().filter(l -> l.startsWith("#EXT-X-STREAM-INF")).toList()).isNotEmpty()
			.allSatisfy(line -> assertThat(line).endsWith(",SUBTITLES=\"text\""));

		// the subtitles playlist and its segments through the signed edge, as a player reads them
		String playlistUrl = media + "text/" + englishId + "-r1/index.m3u8";
		assertThat(client.edge(playlistUrl, "").status()).as("no cookies, no captions").isEqualTo(403);
		KeyframeClient.Response playlist = client.edge(playlistUrl, cookie);
		assertThat(playlist.status()).isEqualTo(200);
		assertThat(playlist.header("Content-Type")).isEqualTo("application/vnd.apple.mpegurl");
		assertThat(playlist.body()).contains("#EXT-X-PLAYLIST-TYPE:VOD", "seg_00000.vtt", "#EXT-X-ENDLIST");
		List<Double> durations = new ArrayList<>();
		Matcher extinf = Pattern.compile("#EXTINF:([0-9.]+),").matcher(playlist.body());
		while (extinf.find()) {
			durations.add(Double.parseDouble(extinf.group(1)));
		}
		assertThat(durations.stream().mapToDouble(Double::doubleValue).sum()).as("the segments span the video")
			.isCloseTo(ready.get("durationMs").asLong() / 1000.0, org.assertj.core.data.Offset.offset(0.01));
		KeyframeClient.Response segment = client.edge(media + "text/" + englishId + "-r1/seg_00000.vtt", cookie);
		assertThat(segment.status()).isEqualTo(200);
		assertThat(segment.header("Content-Type")).startsWith("text/vtt");
		assertThat(segment.header("Cache-Control")).isEqualTo(ObjectStorage.IMMUTABLE);
		assertThat(segment.body()).contains("00:00:01.000 --> 00:00:02.500\n<i>Hello</i> from the test pattern",
				"Fish &amp; chips");
		// the cue clock's origin is where the lowest video rendition's first segment starts on its 90 kHz clock
		Matcher map = Pattern.compile("X-TIMESTAMP-MAP=MPEGTS:(\\d+),LOCAL:00:00:00.000").matcher(segment.body());
		assertThat(map.find()).as(segment.body()).isTrue();
		Path picture = Media.joined(media + "240p/index.m3u8", cookie, dir.resolve("240p.mp4"));
		double firstPicture = Media.packetTimes(tools.ffprobePath(), picture.toString(), "", "v")
			.stream()
			.mapToDouble(Double::doubleValue)
			.min()
			.orElseThrow();
		assertThat(Long.parseLong(map.group(1)) / 90_000.0).isCloseTo(firstPicture, org.assertj.core.data.Offset.offset(0.001));

		// replaced: a new revision under new keys, the old one gone, the video untouched
		String videoPlaylist = client.edge(media + "240p/index.m3u8", cookie).body();
		var replaced = client.sendFile("PUT", path + "/" + englishId + "/file",
				SUBRIP.replace("Fish & chips", "Fish and chips").getBytes(StandardCharsets.UTF_8), "application/x-subrip");
		assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
		assertThat(replaced.json().get("revision").asInt()).isEqualTo(2);
		assertThat(replaced.json().get("isDefault").asBoolean()).as("its place in the menu is kept").isTrue();
		String prefix = AssetKeys.mediaPrefix(AssetId.of(id)) + "text/" + englishId;
		assertThat(storage.list(prefix + "-r1/")).as("the replaced revision's objects").isEmpty();
		assertThat(storage.list(prefix + "-r2/")).extracting(ObjectStorage.Listed::key).contains(prefix + "-r2/index.m3u8",
				prefix + "-r2/seg_00000.vtt", prefix + "-r2/captions.vtt");
		assertThat(client.edge(media + "text/" + englishId + "-r2/seg_00000.vtt", cookie).body()).contains("Fish and chips");
		assertThat(client.edge(media + "240p/index.m3u8", cookie).body()).isEqualTo(videoPlaylist);
		assertThat(client.asset(id).get("jobs")).as("no job ran again").allSatisfy(job -> assertThat(job.get("attempts")
			.asInt()).isEqualTo(1));

		// described: German becomes the default, English is no longer one
		var described = client.send("PATCH", path + "/" + germanId, Map.of("isDefault", true, "name", "Deutsch für Hörgeschädigte"));
		assertThat(described.status()).as(described.body()).isEqualTo(200);
		JsonNode tracks = client.get(path).json();
		assertThat(tracks).hasSize(2);
		assertThat(tracks.get(0).get("language").asString()).isEqualTo("de");
		assertThat(tracks.get(0).get("isDefault").asBoolean()).isTrue();
		assertThat(tracks.get(1).get("isDefault").asBoolean()).isFalse();
		String described2 = edge(masterUrl, m -> m.contains("Hörgeschädigte"));
		assertThat(described2).contains("NAME=\"Deutsch für Hörgeschädigte\",LANGUAGE=\"de\",DEFAULT=YES")
			.contains("NAME=\"English\",LANGUAGE=\"en\",DEFAULT=NO", "text/" + englishId + "-r2/index.m3u8");
		assertThat(client.asset(id).get("textTracks")).hasSize(2);

		// removed: the master stops listing it, its objects go
		assertThat(client.delete(path + "/" + germanId).status()).isEqualTo(204);
		assertThat(edge(masterUrl, m -> !m.contains("LANGUAGE=\"de\""))).contains("LANGUAGE=\"en\"");
		assertThat(storage.list(AssetKeys.mediaPrefix(AssetId.of(id)) + "text/" + germanId)).isEmpty();
		assertThat(client.delete(path + "/" + germanId).status()).isEqualTo(404);

		// deleting the asset takes its text tracks with it
		assertThat(client.delete("/api/assets/" + id).status()).isEqualTo(204);
		assertThat(storage.list(AssetKeys.mediaPrefix(AssetId.of(id)))).isEmpty();
		assertThat(client.get(path).status()).isEqualTo(404);

		// the API's documentation says what the body is
		assertThat(client.get("/v3/api-docs").body()).contains("/api/assets/{id}/text-tracks/{track}/file",
				"application/x-subrip", "The cue file itself, UTF-8, at most 4 MiB");
	}

	@Test
	void textStreamsInTheSourceBecomeTracksOnceItPlays() throws Exception {
		Path clip = Media.clip(tools.ffmpegPath(), dir, 426, 240, 6, true);
		Path german = java.nio.file.Files.writeString(dir.resolve("de.srt"),
				"1\n00:00:01,500 --> 00:00:03,000\nGuten Tag\n\n2\n00:00:04,000 --> 00:00:05,000\nTschüss\n");
		Path english = java.nio.file.Files.writeString(dir.resolve("en.srt"),
				"1\n00:00:02,000 --> 00:00:03,000\n[door slams]\n");
		Path source = Media.withTextStreams(tools.ffmpegPath(), clip, List.of(new Media.TextStream(german, "ger", false),
				new Media.TextStream(english, "eng", true)));
		String id = client.upload(source, "video/mp4", "With its own subtitles").get("assetId").asString();
		client.awaitAsset(id, Duration.ofSeconds(120), status("READY"));

		JsonNode tracks = org.awaitility.Awaitility.await("the source's text streams as tracks")
			.atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> client.get("/api/assets/" + id + "/text-tracks").json(), t -> t.size() == 2);
		assertThat(tracks.get(0).get("language").asString()).as("ger, the bibliographic code, as players match it")
			.isEqualTo("de");
		assertThat(tracks.get(0).get("name").asString()).isEqualTo("Deutsch");
		assertThat(tracks.get(0).get("kind").asString()).isEqualTo("SUBTITLES");
		assertThat(tracks.get(0).get("origin").asString()).isEqualTo("EMBEDDED");
		assertThat(tracks.get(0).get("cueCount").asInt()).isEqualTo(2);
		assertThat(tracks.get(1).get("language").asString()).isEqualTo("en");
		assertThat(tracks.get(1).get("kind").asString()).as("marked for the hearing impaired").isEqualTo("CAPTIONS");

		JsonNode grant = client.grant(id);
		String masterUrl = grant.get("masterUrl").asString();
		String media = masterUrl.substring(0, masterUrl.indexOf("master.m3u8"));
		String master = edge(masterUrl, m -> m.contains("LANGUAGE=\"de\"") && m.contains("LANGUAGE=\"en\""));
		assertThat(master).contains("NAME=\"English (CC)\"");
		String segment = client.edge(media + "text/" + tracks.get(0).get("id").asString() + "-r1/seg_00000.vtt",
				KeyframeClient.cookies(grant)).body();
		assertThat(segment).contains("00:00:01.500 --> 00:00:03.000\nGuten Tag", "00:00:04.000 --> 00:00:05.000\nTschüss");

		// an editor's file for a language the source has replaces nothing automatically, and the scan is not repeated
		var again = client.sendFile("POST", "/api/assets/" + id + "/text-tracks?language=de",
				"1\n00:00:01,000 --> 00:00:02,000\nHallo\n".getBytes(StandardCharsets.UTF_8), "application/x-subrip");
		assertThat(again.status()).isEqualTo(409);
		assertThat(client.delete("/api/assets/" + id + "/text-tracks/" + tracks.get(0).get("id").asString()).status())
			.isEqualTo(204);
		assertThat(client.post("/api/assets/" + id + "/retry", Map.of()).status()).isEqualTo(202);
		assertThat(client.get("/api/assets/" + id + "/text-tracks").json()).as("an embedded track removed stays removed")
			.hasSize(1);
	}

}
