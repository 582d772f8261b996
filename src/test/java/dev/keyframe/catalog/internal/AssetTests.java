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
	void oneInstanceAtATimeMakesTheDownloadAndACrashedOnesClaimLapses() {
		java.time.Duration lease = java.time.Duration.ofMinutes(2);
		Asset asset = asset();
		asset.downloads(true, NOW);
		assertThat(asset.claimDownload(NOW, lease)).as("not ready: nothing to make yet").isFalse();
		asset.failed("x", NOW);
		asset.transcodeProgressed(new JobCounts(1, 1, 0, null), true, NOW);
		assertThat(asset.wantsDownload()).isTrue();
		assertThat(asset.claimDownload(NOW, lease)).isTrue();
		assertThat(asset.claimDownload(NOW.plusSeconds(60), lease)).as("held by the first").isFalse();
		assertThat(asset.renewDownloadClaim(NOW.plusSeconds(90))).isTrue();
		assertThat(asset.claimDownload(NOW.plusSeconds(150), lease)).as("renewed at 90 s").isFalse();
		assertThat(asset.claimDownload(NOW.plusSeconds(211), lease)).as("lapsed: its maker stopped renewing").isTrue();

		assertThat(asset.downloadMade("media/a/download/720p-1.mp4", 10, NOW.plusSeconds(300))).isNull();
		assertThat(asset.wantsDownload()).isFalse();
		assertThat(asset.renewDownloadClaim(NOW.plusSeconds(301))).as("made: the other stops").isFalse();
		assertThat(asset.downloadMade("media/a/download/720p-2.mp4", 10, NOW.plusSeconds(302)))
			.as("a later copy replaces the first, which is to be deleted")
			.isEqualTo("media/a/download/720p-1.mp4");
		assertThat(asset.downloads(false, NOW.plusSeconds(400))).isEqualTo("media/a/download/720p-2.mp4");
		assertThat(asset.downloadMade("media/a/download/720p-3.mp4", 10, NOW.plusSeconds(401)))
			.as("turned off meanwhile: the new file is to be deleted")
			.isEqualTo("media/a/download/720p-3.mp4");
		assertThat(asset.downloadKey()).isNull();
	}

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
