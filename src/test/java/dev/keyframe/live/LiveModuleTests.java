package dev.keyframe.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.test.ApplicationModuleTest.BootstrapMode;
import org.springframework.modulith.test.Scenario;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.MediaLinks;
import dev.keyframe.support.KeyframeModuleTest;

/**
 * The live module's live role with the catalog and identity, on its real ingest port: a feed is let in only with
 * its channel's current key, and then becomes a session, the catalog's live asset, and a launched transcoder.
 */
@KeyframeModuleTest(BootstrapMode.DIRECT_DEPENDENCIES)
class LiveModuleTests {

	/** Playback's, which the catalog uses for poster links: not needed here. */
	@MockitoBean
	MediaLinks links;

	/**
	 * Where a session's transcoder instance is started: another process of this jar (or an ECS task) that runs
	 * ffmpeg, and what {@code LiveIntegrationTests} runs for real. Here it is only asked to start one.
	 */
	@MockitoBean
	TranscoderLauncher launcher;

	private final LiveChannels channels;

	private final IngestEndpoints ingest;

	private final AssetManagement assets;

	private final HttpClient http = HttpClient.newHttpClient();

	LiveModuleTests(LiveChannels channels, IngestEndpoints ingest, AssetManagement assets) {
		this.channels = channels;
		this.ingest = ingest;
		this.assets = assets;
	}

	@Test
	void aFeedWithItsChannelsKeyBecomesASessionWithALiveAssetAndATranscoder(Scenario scenario) {
		given(launcher.launch(any())).willReturn("pid:0");
		IssuedKey issued = channels.create(new NewChannel("Morning show", null, null, null, null), "editor");
		UUID channel = issued.channel().id();

		scenario.stimulate(() -> push(issued.key()))
			.andWaitForStateChange(() -> kinds(channel), kinds -> kinds.contains("STARTED"))
			.andVerify((kinds, answer) -> {
				assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
				SessionView session = channels.get(channel).session();
				assertThat(session).isNotNull();
				assertThat(session.protocol()).isEqualTo("HTTP_TS");
				assertThat(assets.find(new AssetId(session.assetId()))).hasValueSatisfying(asset -> {
					assertThat(asset.title()).startsWith("Morning show");
					assertThat(asset.status()).as("until its renditions are published").isEqualTo(AssetStatus.UPLOADING);
				});
				verify(launcher).launch(new TranscoderLauncher.Spec(session.id(), 1));
			});
	}

	@Test
	void anUnknownOrReplacedKeyIsRefusedBeforeAnythingStarts() {
		IssuedKey issued = channels.create(new NewChannel("Late show", null, null, null, null), "editor");
		UUID channel = issued.channel().id();
		assertThat(issued.key()).startsWith(issued.channel().keyPrefix()).isNotEqualTo(issued.channel().keyPrefix());
		IssuedKey rotated = channels.rotateKey(channel);
		assertThat(rotated.key()).isNotEqualTo(issued.key());

		HttpResponse<String> unknown = push("live_not-a-key");
		assertThat(unknown.statusCode()).isEqualTo(403);
		assertThat(unknown.body()).contains("Unknown stream key");
		assertThat(push(issued.key()).statusCode()).as("the replaced key").isEqualTo(403);

		assertThat(channels.sessions(channel)).isEmpty();
		assertThat(kinds(channel)).containsExactly("KEY_ROTATED");
		verify(launcher, never()).launch(any());
	}

	/** A broadcaster's HTTP push of a few MPEG-TS packets. */
	private HttpResponse<String> push(String key) {
		byte[] packets = new byte[188 * 50];
		for (int i = 0; i < packets.length; i += 188) {
			packets[i] = 0x47;
		}
		try {
			return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.httpPort() + "/ingest/" + key))
				.POST(HttpRequest.BodyPublishers.ofByteArray(packets))
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private List<String> kinds(UUID channel) {
		return channels.events(channel).stream().map(EventView::kind).toList();
	}

}
