package dev.keyframe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.test.Scenario;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import dev.keyframe.catalog.TranscodeWork.JobCounts;
import dev.keyframe.identity.CurrentUser;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.support.KeyframeModuleTest;

/**
 * The catalog alone: an asset announces its upload, and what transcode tells it by events decides its renditions,
 * its master playlist and its status. Playback's links and identity's current user are the other modules' parts
 * it needs, stated here as mocks.
 */
@KeyframeModuleTest
class CatalogModuleTests {

	@MockitoBean
	MediaLinks links;

	@MockitoBean
	CurrentUser current;

	private final AssetManagement assets;

	private final ObjectStorage storage;

	CatalogModuleTests(AssetManagement assets, ObjectStorage storage) {
		this.assets = assets;
		this.storage = storage;
	}

	@Test
	void anUploadedAssetIsAnnouncedAndTranscodesEventsDecideWhatPlays(Scenario scenario) {
		AssetId id = assets.create(new NewAsset("Module test", "clip.mp4", "video/mp4", 1000));
		MediaInfo media = new MediaInfo(12_000, "mov,mp4,m4a,3gp,3g2,mj2", 900_000,
				new MediaInfo.Video(640, 360, "h264", "25/1", 25, MediaInfo.Video.PROGRESSIVE),
				new MediaInfo.Audio("aac", 2, 48_000));
		scenario.stimulate(() -> assets.uploaded(id, media))
			.andWaitForEventOfType(AssetUploaded.class)
			.matching(event -> event.asset().equals(id))
			.toArriveAndVerify(event -> assertThat(event.sourceKey()).isEqualTo(AssetKeys.source(id)));

		assertThat(status(id)).isEqualTo(AssetStatus.PROCESSING);

		// the lowest rung's first chunk, growing: not listed without the audio it plays with
		scenario.publish(new RenditionPublished(id, video(id, false)))
			.andWaitForStateChange(() -> assets.renditions(id), published -> !published.isEmpty())
			.andVerify(published -> assertThat(status(id)).isEqualTo(AssetStatus.PROCESSING));
		assertThat(storage.head(AssetKeys.master(id))).as("no master playlist yet").isEmpty();

		scenario.publish(new RenditionPublished(id, audio(id)))
			.andWaitForStateChange(() -> status(id), status -> status == AssetStatus.PLAYABLE)
			.andVerify(status -> assertThat(assets.find(id).orElseThrow().firstPlayableAt()).isNotNull());
		assertThat(master(id)).contains("TYPE=AUDIO,GROUP-ID=\"audio\"").contains("240p/index.m3u8");

		scenario.publish(new RenditionPublished(id, video(id, true)))
			.andWaitForStateChange(() -> assets.renditions(id), published -> published.stream()
				.allMatch(RenditionSpec::complete))
			.andVerify(published -> assertThat(published).extracting(RenditionSpec::profile)
				.containsExactlyInAnyOrder("240p", "audio"));
		scenario.publish(new TranscodeProgressed(id, new JobCounts(4, 3, 1, "In chunk 2: the encoder stopped.")))
			.andWaitForStateChange(() -> assets.find(id).orElseThrow().statusReason())
			.andVerify(reason -> assertThat(reason).startsWith("1 of 4 encode jobs failed: In chunk 2"));
		assertThat(status(id)).as("what is published still plays").isEqualTo(AssetStatus.PLAYABLE);
		scenario.publish(new TranscodeProgressed(id, new JobCounts(4, 4, 0, null)))
			.andWaitForStateChange(() -> status(id), status -> status == AssetStatus.READY)
			.andVerify(status -> assertThat(assets.find(id).orElseThrow().statusReason()).isNull());
	}

	@Test
	void whatTranscodeStoredForAGoneAssetIsDeleted(Scenario scenario) {
		AssetId gone = AssetId.random();
		String segment = AssetKeys.renditionPrefix(gone, "240p") + "seg_00000.ts";
		storage.put(segment, new byte[] { 0x47 }, "video/mp2t", ObjectStorage.IMMUTABLE);
		storage.put(AssetKeys.poster(gone), new byte[] { 1 }, "image/jpeg", ObjectStorage.IMMUTABLE);

		scenario.publish(new RenditionPublished(gone, video(gone, true)))
			.andWaitForStateChange(() -> storage.head(segment).isEmpty())
			.andVerify(deleted -> assertThat(assets.renditions(gone)).isEmpty());
		scenario.publish(new PosterStored(gone, AssetKeys.poster(gone)))
			.andWaitForStateChange(() -> storage.head(AssetKeys.poster(gone)).isEmpty())
			.andVerify(deleted -> assertThat(assets.exists(gone)).isFalse());
	}

	private AssetStatus status(AssetId id) {
		return assets.find(id).orElseThrow().status();
	}

	private String master(AssetId id) {
		try (var in = storage.open(AssetKeys.master(id), null).orElseThrow()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (java.io.IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	private static RenditionSpec video(AssetId id, boolean complete) {
		List<Double> boundaries = complete ? List.of(0.0, 4.0, 8.0) : List.of(0.0);
		return new RenditionSpec("240p", RenditionKind.VIDEO, 426, 240, 400_000, 300_000, "avc1.64001e", "25",
				AssetKeys.renditionPrefix(id, "240p") + "index.m3u8", boundaries.size(), 150_000L * boundaries.size(),
				boundaries, complete, "audio");
	}

	private static RenditionSpec audio(AssetId id) {
		return new RenditionSpec("audio", RenditionKind.AUDIO, 0, 0, 100_000, 96_000, "mp4a.40.2", null,
				AssetKeys.renditionPrefix(id, "audio") + "index.m3u8", 3, 150_000, List.of(0.0, 4.0, 8.0), true, null);
	}

}
