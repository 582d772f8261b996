package dev.keyframe.catalog;

import static dev.keyframe.support.KeyframeClient.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.keyframe.KeyframeIntegrationTest;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.support.KeyframeClient;
import dev.keyframe.support.Media;
import tools.jackson.databind.JsonNode;

/**
 * A source with two audio languages over the real stack: one audio rendition per stream, made from that stream (told
 * apart by their tones), listed in one AUDIO group with the languages and names the file's tags gave, then renamed
 * and re-chosen as the default by an editor with only the master playlist rewritten.
 */
@KeyframeIntegrationTest
class AlternateAudioIntegrationTests {

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

	private String edge(String url, java.util.function.Predicate<String> until) {
		return org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> client.edge(url, "").body(), until);
	}

	@Test
	void aSourceWithTwoLanguagesPlaysWithAnAudioRenditionOfEachThatEditorsNameWithoutReEncoding() throws Exception {
		// the second stream is the file's default: the original language of a dubbed film
		Path source = Media.withAudioStreams(tools.ffmpegPath(), dir, 6,
				List.of(new Media.AudioStream(440, "eng", null, false),
						new Media.AudioStream(880, "ger", "Deutsch (Originalton)", true)));
		String id = client.upload(source, "video/x-matroska", "Two languages").get("assetId").asString();
		client.awaitAsset(id, Duration.ofSeconds(120), status("READY"));

		String path = "/api/assets/" + id + "/audio-tracks";
		JsonNode tracks = client.get(path).json();
		assertThat(tracks).hasSize(2);
		assertThat(tracks.get(0).get("language").asString()).as("eng, as players match it").isEqualTo("en");
		assertThat(tracks.get(0).get("name").asString()).as("named by its language").isEqualTo("English");
		assertThat(tracks.get(0).get("profile").asString()).isEqualTo("audio");
		assertThat(tracks.get(0).get("isDefault").asBoolean()).isFalse();
		assertThat(tracks.get(1).get("language").asString()).isEqualTo("de");
		assertThat(tracks.get(1).get("name").asString()).as("the stream's title").isEqualTo("Deutsch (Originalton)");
		assertThat(tracks.get(1).get("profile").asString()).isEqualTo("audio-1");
		assertThat(tracks.get(1).get("isDefault").asBoolean()).as("the file's default").isTrue();
		assertThat(tracks).allSatisfy(track -> assertThat(track.get("playing").asBoolean()).isTrue());
		assertThat(client.asset(id).get("audioTracks")).hasSize(2);

		JsonNode grant = client.grant(id);
		String cookie = KeyframeClient.cookies(grant);
		String masterUrl = grant.get("masterUrl").asString();
		String media = masterUrl.substring(0, masterUrl.indexOf("master.m3u8"));
		String master = client.edge(masterUrl, "").body();
		List<String> audioLines = master.lines().filter(l -> l.startsWith("#EXT-X-MEDIA:TYPE=AUDIO")).toList();
		assertThat(audioLines).as(master).containsExactly(
				"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",LANGUAGE=\"de\",NAME=\"Deutsch (Originalton)\",DEFAULT=YES,"
						+ "AUTOSELECT=YES,CHANNELS=\"2\",URI=\"audio-1/index.m3u8\"",
				"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",LANGUAGE=\"en\",NAME=\"English\",DEFAULT=NO,"
						+ "AUTOSELECT=YES,CHANNELS=\"2\",URI=\"audio/index.m3u8\"");
		List<String> variants = master.lines().filter(l -> l.startsWith("#EXT-X-STREAM-INF")).toList();
		assertThat(variants).isNotEmpty().allSatisfy(v -> assertThat(v).contains("AUDIO=\"audio\"", ",mp4a.40.2\""));

		// each rendition is made from its own stream, the whole length, and decodes as AAC stereo
		for (var expected : Map.of("audio", 440.0, "audio-1", 880.0).entrySet()) {
			String playlistUrl = media + expected.getKey() + "/index.m3u8";
			String playlist = client.edge(playlistUrl, cookie).body();
			assertThat(playlist).contains("#EXT-X-ENDLIST");
			double seconds = playlist.lines()
				.filter(l -> l.startsWith("#EXTINF:"))
				.mapToDouble(l -> Double.parseDouble(l.substring(8, l.indexOf(','))))
				.sum();
			assertThat(seconds).as(expected.getKey() + " lasts as long as the source").isBetween(5.8, 6.3);
			Path joined = Media.joined(playlistUrl, cookie, dir.resolve(expected.getKey() + ".mp4"));
			assertThat(Media.toneFrequency(tools.ffmpegPath(), joined.toString())).as(expected.getKey() + "'s tone")
				.isCloseTo(expected.getValue(), org.assertj.core.data.Offset.offset(15.0));
			assertThat(Media.run(List.of(tools.ffprobePath().toString(), "-v", "error", "-select_streams", "a:0",
					"-show_entries", "stream=codec_name,channels,sample_rate", "-of", "csv=p=0", joined.toString()))
				.stream()
				.filter(line -> !line.isBlank())
				.distinct()).as("the stream, as its program and the file list it").containsExactly("aac,48000,2");
		}

		// an editor renames the English track and makes it the default: only the master changes
		String videoPlaylist = client.edge(media + "240p/index.m3u8", cookie).body();
		var described = client.send("PATCH", path + "/0", Map.of("name", "English (dubbed)", "isDefault", true));
		assertThat(described.status()).as(described.body()).isEqualTo(200);
		assertThat(described.json().get("isDefault").asBoolean()).isTrue();
		String renamed = edge(masterUrl, m -> m.contains("English (dubbed)"));
		assertThat(renamed.lines().filter(l -> l.startsWith("#EXT-X-MEDIA:TYPE=AUDIO")).toList()).containsExactly(
				"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",LANGUAGE=\"en\",NAME=\"English (dubbed)\",DEFAULT=YES,"
						+ "AUTOSELECT=YES,CHANNELS=\"2\",URI=\"audio/index.m3u8\"",
				"#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",LANGUAGE=\"de\",NAME=\"Deutsch (Originalton)\",DEFAULT=NO,"
						+ "AUTOSELECT=YES,CHANNELS=\"2\",URI=\"audio-1/index.m3u8\"");
		assertThat(client.get(path).json().get(1).get("isDefault").asBoolean()).as("one default").isFalse();
		assertThat(client.edge(media + "240p/index.m3u8", cookie).body()).isEqualTo(videoPlaylist);
		assertThat(client.asset(id).get("jobs")).as("no job ran again")
			.allSatisfy(job -> assertThat(job.get("attempts").asInt()).isEqualTo(1));
		var language = client.send("PATCH", path + "/1", Map.of("language", "pt-br"));
		assertThat(language.json().get("language").asString()).as("in its canonical form").isEqualTo("pt-BR");
		assertThat(language.json().get("name").asString()).as("an editor's name stays").isEqualTo("Deutsch (Originalton)");

		// refusals change nothing
		var bad = client.send("PATCH", path + "/1", Map.of("language", "not a language"));
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.body()).contains("is not a language tag");
		assertThat(client.send("PATCH", path + "/2", Map.of("name", "Nobody")).status()).isEqualTo(404);
		assertThat(client.send("PATCH", path + "/1", Map.of("name", "x".repeat(101))).status()).isEqualTo(400);
		assertThat(client.get(path).json().get(1).get("language").asString()).isEqualTo("pt-BR");

		// deleting the asset takes its audio tracks with it
		assertThat(client.delete("/api/assets/" + id).status()).isEqualTo(204);
		assertThat(client.get(path).status()).isEqualTo(404);
	}

}
