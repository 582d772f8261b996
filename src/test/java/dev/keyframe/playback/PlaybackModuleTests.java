package dev.keyframe.playback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.modulith.test.ApplicationModuleTest.BootstrapMode;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.NewAsset;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.catalog.Visibility;
import dev.keyframe.identity.Accounts;
import dev.keyframe.identity.Role;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.support.KeyframeClient;
import dev.keyframe.support.KeyframeModuleTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The playback module with the catalog and identity, and its local edge in front of the real (private) bucket: who
 * may watch an asset gets a grant whose signatures the edge verifies as CloudFront does; nobody else gets one.
 */
@KeyframeModuleTest(BootstrapMode.DIRECT_DEPENDENCIES)
@AutoConfigureMockMvc
class PlaybackModuleTests {

	private final AssetManagement assets;

	private final ObjectStorage storage;

	private final Accounts accounts;

	private final MockMvcTester mvc;

	private final KeyframeClient viewer = new KeyframeClient(0, "");

	PlaybackModuleTests(AssetManagement assets, ObjectStorage storage, Accounts accounts, MockMvcTester mvc) {
		this.assets = assets;
		this.storage = storage;
		this.accounts = accounts;
		this.mvc = mvc;
	}

	@Test
	void aGrantOpensTheAssetAtTheEdgeAndNothingElseDoes() throws Exception {
		AssetId asset = playable(Visibility.PUBLIC);

		MvcTestResult answer = grant(asset, null);
		assertThat(answer).hasStatusOk();
		JsonNode grant = new ObjectMapper().readTree(answer.getResponse().getContentAsString());
		String cookies = KeyframeClient.cookies(grant);
		String segment = grant.get("masterUrl").asString().replaceFirst("master\\.m3u8\\?.*", "360p/seg_00000.ts");

		KeyframeClient.Response master = viewer.edge(grant.get("masterUrl").asString(), "");
		assertThat(master.status()).isEqualTo(200);
		assertThat(master.body()).contains("360p/index.m3u8");
		assertThat(viewer.edge(segment, cookies).status()).isEqualTo(200);
		assertThat(viewer.edge(segment, "").status()).as("without the signed cookies").isEqualTo(403);
		assertThat(viewer.edge(segment.replace(asset.toString(), playable(Visibility.PUBLIC).toString()), cookies)
			.status()).as("another asset, with this one's cookies").isEqualTo(403);
		assertThat(assets.find(asset).orElseThrow().lastPlayedAt()).as("the catalog was told").isNotNull();
	}

	@Test
	void whoIsGivenSignaturesFollowsTheAssetsVisibility() {
		AssetId members = playable(Visibility.SIGNED_IN);
		AssetId editors = playable(Visibility.PRIVATE);
		accounts.create("watching-viewer", "watching-viewer-password", Role.VIEWER);
		accounts.create("watching-editor", "watching-editor-password", Role.EDITOR);

		assertThat(grant(members, null)).as("anonymous, signed-in users only").hasStatus(401);
		assertThat(grant(members, "watching-viewer")).hasStatusOk();
		assertThat(grant(editors, "watching-viewer")).as("a viewer, editors only: no such asset").hasStatus(404);
		assertThat(grant(editors, "watching-editor")).hasStatusOk();
	}

	private MvcTestResult grant(AssetId asset, @Nullable String username) {
		var request = mvc.get().uri("/api/playback/" + asset);
		if (username != null) {
			Role role = accounts.user(username).orElseThrow().role();
			request = request.with(user(username).roles(role.name()));
		}
		return request.exchange();
	}

	/** An asset with one complete 360p rendition in storage, published in the catalog as transcoding would. */
	private AssetId playable(Visibility visibility) {
		AssetId id = assets.create(new NewAsset("Playback " + visibility, "clip.mp4", "video/mp4", 1000));
		assets.uploaded(id, new MediaInfo(2000, "mov,mp4,m4a,3gp,3g2,mj2", 1_000_000,
				new MediaInfo.Video(640, 360, "h264", "30/1", 30, MediaInfo.Video.PROGRESSIVE), null));
		String prefix = AssetKeys.renditionPrefix(id, "360p");
		storage.put(prefix + "seg_00000.ts", new byte[188 * 100], "video/mp2t", ObjectStorage.IMMUTABLE);
		storage.put(prefix + "index.m3u8", ("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg_00000.ts\n"
				+ "#EXT-X-ENDLIST\n").getBytes(), "application/vnd.apple.mpegurl", ObjectStorage.SHORT_LIVED);
		RenditionSpec spec = new RenditionSpec("360p", RenditionKind.VIDEO, 640, 360, 800_000, 700_000, "avc1.64001e",
				"30", prefix + "index.m3u8", 1, 188 * 100, List.of(0.0));
		assertThat(assets.publishRendition(id, spec, (candidate, published) -> Optional.empty())).isEmpty();
		assets.describe(id, "Playback " + visibility, null, visibility);
		return id;
	}

}
