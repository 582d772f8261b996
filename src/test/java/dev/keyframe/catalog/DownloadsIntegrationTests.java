package dev.keyframe.catalog;

import static dev.keyframe.support.KeyframeClient.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.support.KeyframeClient;
import dev.keyframe.support.Media;
import tools.jackson.databind.JsonNode;

/**
 * Downloads over the real stack: turned on while the asset is being transcoded, made from its segments once it is
 * ready, fetched through the signed edge as a file ffprobe reads (the best rendition with the default audio, in
 * step), refused without the signature, and gone when turned off; an audio-only asset gets an M4A.
 */
@KeyframeIntegrationTest
class DownloadsIntegrationTests {

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

	final HttpClient http = HttpClient.newHttpClient();

	@BeforeEach
	void client() {
		client = KeyframeClient.admin(port, accounts);
	}

	private JsonNode awaitDownload(String id, String state) {
		return org.awaitility.Awaitility.await("download " + state)
			.atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> client.get("/api/assets/" + id + "/download").json(), d -> d.get("state").asString().equals(state));
	}

	private HttpResponse<Path> fetch(String url, Path to) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofFile(to));
	}

	private List<String> probe(Path file, String entries) throws Exception {
		return Media.run(List.of(tools.ffprobePath().toString(), "-v", "error", "-show_entries", entries, "-of",
				"csv=p=0", file.toString())).stream().filter(l -> !l.isBlank()).toList();
	}

	@Test
	void aDownloadTurnedOnDuringTheTranscodeIsTheBestRenditionWithTheDefaultAudioThroughTheSignedEdge()
			throws Exception {
		// the second audio stream is the file's default: the download has it, not the first
		Path source = Media.withAudioStreams(tools.ffmpegPath(), dir, 6,
				List.of(new Media.AudioStream(440, "eng", null, false), new Media.AudioStream(880, "ger", null, true)));
		String id = client.upload(source, "video/x-matroska", "Zweisprachig – Grüße").get("assetId").asString();
		String path = "/api/assets/" + id + "/download";
		assertThat(client.get(path).json().get("state").asString()).as("off by default").isEqualTo("OFF");
		var on = client.put(path, Map.of("enabled", true));
		assertThat(on.status()).as(on.body()).isEqualTo(200);
		assertThat(on.json().get("state").asString()).as("turned on before it is ready")
			.isIn("WAITING", "MAKING", "READY");
		client.awaitAsset(id, Duration.ofSeconds(120), status("READY"));
		JsonNode made = awaitDownload(id, "READY");
		assertThat(made.get("bytes").asLong()).isPositive();

		JsonNode grant = client.grant(id);
		String url = grant.get("downloadUrl").asString();
		assertThat(url).contains("/media/" + id + "/download/240p-", ".mp4?Policy=", "&Signature=");
		Path file = dir.resolve("download.mp4");
		HttpResponse<Path> response = fetch(url, file);
		assertThat(response.statusCode()).as(url).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("video/mp4");
		assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
			.startsWith("attachment; filename=\"Zweisprachig _ Gr_e.mp4\"")
			.endsWith("filename*=UTF-8''Zweisprachig%20%E2%80%93%20Gr%C3%BC%C3%9Fe.mp4");
		assertThat(Files.size(file)).isEqualTo(made.get("bytes").asLong());
		assertThat(probe(file, "stream=codec_type,codec_name")).containsExactly("h264,video", "aac,audio");
		assertThat(probe(file, "format=format_name").getFirst()).contains("mp4");
		List<Double> durations = probe(file, "stream=duration").stream().map(Double::valueOf).toList();
		assertThat(durations).allSatisfy(d -> assertThat(d).isBetween(5.8, 6.3));
		List<Double> starts = probe(file, "stream=start_time").stream().map(Double::valueOf).toList();
		assertThat(Math.abs(starts.get(0) - starts.get(1))).as("sound in step with the picture: %s", starts)
			.isLessThan(0.05);
		assertThat(Media.toneFrequency(tools.ffmpegPath(), file.toString())).as("the default (German) audio")
			.isCloseTo(880.0, org.assertj.core.data.Offset.offset(15.0));

		// the signature is what lets it out
		String unsigned = url.substring(0, url.indexOf('?'));
		assertThat(fetch(unsigned, dir.resolve("no")).statusCode()).isEqualTo(403);
		assertThat(fetch(url.replace("Signature=", "Signature=x"), dir.resolve("bad")).statusCode()).isEqualTo(403);

		// off: the file goes, and the grant has no link
		var off = client.put(path, Map.of("enabled", false));
		assertThat(off.json().get("state").asString()).isEqualTo("OFF");
		org.awaitility.Awaitility.await("the file deleted").atMost(Duration.ofSeconds(10))
			.until(() -> storage.list(AssetKeys.mediaPrefix(AssetId.of(id)) + "download/").isEmpty());
		assertThat(client.grant(id).get("downloadUrl").isNull()).isTrue();
		assertThat(client.get("/v3/api-docs").body()).contains("/api/assets/{id}/download");
	}

	@Test
	void anAudioOnlyAssetTurnedOnOnceReadyIsAnM4a() throws Exception {
		Path tone = Media.tone(tools.ffmpegPath(), dir, 5);
		String id = client.upload(tone, "audio/mp4", "A tone").get("assetId").asString();
		client.awaitAsset(id, Duration.ofSeconds(120), status("READY"));
		assertThat(client.grant(id).get("downloadUrl").isNull()).as("off by default").isTrue();
		assertThat(client.put("/api/assets/" + id + "/download", Map.of("enabled", true)).json().get("state").asString())
			.isIn("MAKING", "READY");
		awaitDownload(id, "READY");
		String url = client.grant(id).get("downloadUrl").asString();
		assertThat(url).contains(".m4a?Policy=");
		Path file = dir.resolve("tone.m4a");
		HttpResponse<Path> response = fetch(url, file);
		assertThat(response.statusCode()).as(url).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("audio/mp4");
		assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
			.startsWith("attachment; filename=\"A tone.m4a\"");
		assertThat(probe(file, "stream=codec_type,codec_name")).containsExactly("aac,audio");
		assertThat(Double.parseDouble(probe(file, "format=duration").getFirst())).isBetween(4.8, 5.3);
		assertThat(Media.toneFrequency(tools.ffmpegPath(), file.toString())).isCloseTo(330.0,
				org.assertj.core.data.Offset.offset(10.0));

		// deleting the asset takes the file with it
		assertThat(client.delete("/api/assets/" + id).status()).isEqualTo(204);
		assertThat(storage.list(AssetKeys.mediaPrefix(AssetId.of(id)))).isEmpty();
	}

}
