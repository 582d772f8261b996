package dev.keyframe;

import static dev.keyframe.support.KeyframeClient.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.keyframe.platform.MediaTools;
import dev.keyframe.support.KeyframeClient;
import dev.keyframe.support.Media;
import tools.jackson.databind.JsonNode;

/**
 * Stop and start again on the same data directory: the asset, its renditions and its objects are all there.
 */
class RestartIntegrationTests {

	@TempDir
	Path data;

	@TempDir
	Path dir;

	@Test
	void aRestartLosesNoAsset() throws Exception {
		String id;
		JsonNode before;
		String master;
		try (ConfigurableApplicationContext first = start()) {
			KeyframeClient client = client(first);
			Path clip = Media.clip(first.getBean(MediaTools.class).ffmpegPath(), dir, 320, 180, 3, true);
			id = client.upload(clip, "video/mp4", "Survives restarts").get("assetId").asString();
			before = client.awaitAsset(id, Duration.ofSeconds(120), status("READY"));
			master = client.get(before.get("playlistUrl").asString()).body();
		}
		try (ConfigurableApplicationContext second = start()) {
			KeyframeClient client = client(second);
			JsonNode after = client.asset(id);
			assertThat(after.get("status").asString()).isEqualTo("READY");
			assertThat(after.get("renditions")).isEqualTo(before.get("renditions"));
			assertThat(after.get("jobs")).isEqualTo(before.get("jobs"));
			KeyframeClient.Response playlist = client.get(after.get("playlistUrl").asString());
			assertThat(playlist.status()).isEqualTo(200);
			assertThat(playlist.body()).isEqualTo(master);
			assertThat(client.get("/media/" + id + "/240p/seg_00000.ts").status()).isEqualTo(200);
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(KeyframeApplication.class).run("--server.port=0",
				"--keyframe.local.data-dir=" + data, "--keyframe.local.postgres-port=0", "--keyframe.local.s3-port=0",
				"--keyframe.local.sqs-port=0", "--keyframe.transcode.ladder=240p:240:300:64",
				"--keyframe.transcode.preset=ultrafast", "--keyframe.transcode.workers=1",
				"--keyframe.transcode.poll-wait=1s", "--keyframe.identity.admin-password=admin-password-for-tests");
	}

	private static KeyframeClient client(ConfigurableApplicationContext context) {
		return KeyframeClient.admin(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")),
				context.getBean(dev.keyframe.identity.Accounts.class));
	}

}
