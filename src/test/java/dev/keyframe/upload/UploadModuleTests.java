package dev.keyframe.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.modulith.test.ApplicationModuleTest.BootstrapMode;
import org.springframework.modulith.test.PublishedEvents;
import org.springframework.modulith.test.Scenario;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import dev.keyframe.catalog.AssetDeleted;
import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.AssetUploaded;
import dev.keyframe.catalog.MediaLinks;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.support.KeyframeClient;
import dev.keyframe.support.KeyframeModuleTest;
import dev.keyframe.support.Media;
import dev.keyframe.upload.Uploads.CompletedUpload;
import dev.keyframe.upload.Uploads.PartEtag;
import dev.keyframe.upload.Uploads.StartUpload;
import dev.keyframe.upload.Uploads.StartedUpload;

/**
 * The upload module with the modules it uses (catalog, identity), on real S3 and ffprobe: bytes go from the client
 * straight to storage, a completed upload is probed and becomes the catalog's {@link AssetUploaded}, and an asset the
 * catalog deletes ({@link AssetDeleted}) takes its open upload with it.
 */
@KeyframeModuleTest(BootstrapMode.DIRECT_DEPENDENCIES)
class UploadModuleTests {

	/** Playback's, which the catalog uses for poster links: not needed here. */
	@MockitoBean
	MediaLinks links;

	private final Uploads uploads;

	private final ObjectStorage storage;

	private final MediaTools tools;

	private final KeyframeClient browser = new KeyframeClient(0, "");

	UploadModuleTests(Uploads uploads, ObjectStorage storage, MediaTools tools) {
		this.uploads = uploads;
		this.storage = storage;
		this.tools = tools;
	}

	@Test
	void aCompletedUploadIsProbedAndAnnouncedAsUploaded(Scenario scenario, @TempDir Path dir) throws IOException {
		Path clip = Media.clip(tools.ffmpegPath(), dir, 320, 240, 2, true);
		StartedUpload started = start(clip);
		byte[] bytes = Files.readAllBytes(clip);
		List<PartEtag> parts = List.of(put(started, bytes));

		scenario.stimulate(() -> uploads.complete(started.uploadId(), parts))
			.andWaitForEventOfType(AssetUploaded.class)
			.matchingMappedValue(AssetUploaded::asset, new AssetId(started.assetId()))
			.toArriveAndVerify((event, completed) -> {
				assertThat(completed.status()).isEqualTo(AssetStatus.PROCESSING);
				assertThat(event.sourceKey()).isEqualTo(AssetKeys.source(event.asset()));
				assertThat(event.media().video()).satisfies(video -> {
					assertThat(video.width()).isEqualTo(320);
					assertThat(video.height()).isEqualTo(240);
				});
				assertThat(event.media().audio()).isNotNull();
				assertThat(storage.head(event.sourceKey()).orElseThrow().size()).isEqualTo(bytes.length);
			});
	}

	@Test
	void aFileThatIsNotMediaFailsItsAssetWithAReasonAndAnnouncesNothing(PublishedEvents events) {
		byte[] text = "these bytes are not a video".repeat(100).getBytes();
		StartedUpload started = uploads.start(new StartUpload("notes.mp4", text.length, "video/mp4", null));

		CompletedUpload completed = uploads.complete(started.uploadId(), List.of(put(started, text)));

		assertThat(completed.status()).isEqualTo(AssetStatus.FAILED);
		assertThat(completed.reason()).isNotBlank();
		assertThat(events.ofType(AssetUploaded.class)).isEmpty();
	}

	@Test
	void anAssetDeletedWhileItsUploadIsOpenAbortsTheUpload(Scenario scenario) {
		StartedUpload started = uploads.start(new StartUpload("abandoned.mp4", 12 * 1024 * 1024, "video/mp4", null));
		String key = AssetKeys.source(new AssetId(started.assetId()));
		assertThat(storage.openMultipartUploads("sources/")).anyMatch(open -> open.key().equals(key));

		scenario.publish(new AssetDeleted(new AssetId(started.assetId())))
			.andWaitForStateChange(() -> uploads.status(started.uploadId()).state(), UploadState.ABORTED::equals)
			.andVerify(state -> {
				assertThat(uploads.status(started.uploadId()).failureReason()).isEqualTo("The asset was deleted");
				assertThat(storage.openMultipartUploads("sources/")).noneMatch(open -> open.key().equals(key));
			});
	}

	private StartedUpload start(Path file) throws IOException {
		StartedUpload started = uploads.start(new StartUpload(file.getFileName().toString(), Files.size(file),
				"video/mp4", null));
		assertThat(started.partCount()).isEqualTo(1);
		return started;
	}

	/** What the browser does with a presigned part URL: PUTs the bytes to storage, the app never sees them. */
	private PartEtag put(StartedUpload started, byte[] bytes) {
		KeyframeClient.Response stored = browser.putBytes(started.parts().getFirst().url(), bytes);
		assertThat(stored.status()).as(stored.body()).isEqualTo(200);
		return new PartEtag(1, stored.header("ETag"));
	}

}
