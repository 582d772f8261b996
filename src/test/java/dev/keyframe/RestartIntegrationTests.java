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

	/** One edge port for both runs: signed URLs name the CDN's host and port. */
	private final int edgePort = freePort();

	private static int freePort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@Test
	void aRestartLosesNoAsset() throws Exception {
		String id;
		JsonNode before;
		String master;
		JsonNode grant;
		try (ConfigurableApplicationContext first = start()) {
			KeyframeClient client = client(first);
			Path clip = Media.clip(first.getBean(MediaTools.class).ffmpegPath(), dir, 320, 180, 3, true);
			id = client.upload(clip, "video/mp4", "Survives restarts").get("assetId").asString();
			before = client.awaitAsset(id, Duration.ofSeconds(120), status("READY"));
			grant = client.grant(id);
			master = client.edge(grant.get("masterUrl").asString(), "").body();
		}
		try (ConfigurableApplicationContext second = start()) {
			KeyframeClient client = client(second);
			JsonNode after = client.asset(id);
			assertThat(after.get("status").asString()).isEqualTo("READY");
			assertThat(after.get("renditions")).isEqualTo(before.get("renditions"));
			assertThat(after.get("jobs")).isEqualTo(before.get("jobs"));
			// signatures made before the restart still open it: the local signing key is kept with the data
			String masterUrl = grant.get("masterUrl").asString();
			KeyframeClient.Response playlist = client.edge(masterUrl, "");
			assertThat(playlist.status()).isEqualTo(200);
			assertThat(playlist.body()).isEqualTo(master);
			String segment = masterUrl.substring(0, masterUrl.indexOf("master.m3u8")) + "240p/seg_00000.m4s";
			assertThat(client.edge(segment, KeyframeClient.cookies(grant)).status()).isEqualTo(200);
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(KeyframeApplication.class).run("--server.port=0",
				"--keyframe.local.data-dir=" + data, "--keyframe.local.postgres-port=0", "--keyframe.local.s3-port=0",
				"--keyframe.local.sqs-port=0", "--keyframe.local.edge-port=" + edgePort,
				"--keyframe.transcode.ladder=240p:240:300:64",
				"--keyframe.transcode.preset=ultrafast", "--keyframe.transcode.workers=1",
				"--keyframe.transcode.poll-wait=1s", "--keyframe.identity.admin-password=admin-password-for-tests");
	}

	private static KeyframeClient client(ConfigurableApplicationContext context) {
		return KeyframeClient.admin(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")),
				context.getBean(dev.keyframe.identity.Accounts.class));
	}

}
