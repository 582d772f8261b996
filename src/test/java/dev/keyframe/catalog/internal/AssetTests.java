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

	private static Asset asset() {
		return new Asset(UUID.randomUUID(), "Title", "clip.mp4", "video/mp4", 1000, "sources/x/source", NOW);
	}

}
