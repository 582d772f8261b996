package dev.keyframe.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.TranscodeWork.JobCounts;

/** An asset moves only as its status allows. */
class AssetTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void anOpenUploadCannotBeExpired() {
		Asset upload = asset();
		assertThatThrownBy(() -> upload.removed("expired", NOW)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("UPLOADING cannot become REMOVED");
		assertThat(upload.status()).isEqualTo(AssetStatus.UPLOADING);
	}

	@Test
	void aRemovedAssetStaysRemovedWhateverALateJobSays() {
		Asset asset = asset();
		asset.failed("The file is not media.", NOW);
		asset.removed("expired", NOW);
		asset.transcodeProgressed(new JobCounts(3, 3, 0, null), true, NOW);
		assertThat(asset.status()).isEqualTo(AssetStatus.REMOVED);
		assertThatThrownBy(() -> asset.failed("again", NOW)).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void aReadyAssetDoesNotFallBackToProcessing() {
		Asset asset = asset();
		asset.failed("x", NOW);
		asset.transcodeProgressed(new JobCounts(1, 1, 0, null), true, NOW);
		assertThat(asset.status()).isEqualTo(AssetStatus.READY);
		assertThatThrownBy(() -> asset.transcodeProgressed(new JobCounts(1, 0, 0, null), false, NOW))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("READY cannot become PROCESSING");
	}

	@Test
	void theFirstListedRenditionMakesAProcessingAssetPlayableOnce() {
		Asset asset = asset();
		asset.transcodeProgressed(new JobCounts(4, 0, 0, null), false, NOW);
		assertThat(asset.status()).isEqualTo(AssetStatus.PROCESSING);
		asset.renditionListed(NOW.plusSeconds(3));
		assertThat(asset.status()).isEqualTo(AssetStatus.PLAYABLE);
		assertThat(asset.firstPlayableAt()).isEqualTo(NOW.plusSeconds(3));
		asset.renditionListed(NOW.plusSeconds(9));
		assertThat(asset.firstPlayableAt()).as("the first time only").isEqualTo(NOW.plusSeconds(3));
		asset.transcodeProgressed(new JobCounts(4, 4, 0, null), true, NOW.plusSeconds(20));
		asset.renditionListed(NOW.plusSeconds(21));
		assertThat(asset.status()).as("a later listing leaves a ready asset ready").isEqualTo(AssetStatus.READY);
	}

	private static Asset asset() {
		return new Asset(UUID.randomUUID(), "Title", "clip.mp4", "video/mp4", 1000, "sources/x/source", NOW);
	}

}
