package dev.keyframe.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.keyframe.platform.JobQueue.Received;
import dev.keyframe.support.KeyframeModuleTest;
import dev.keyframe.support.Media;

/**
 * The platform alone, as every other module gets it: the production S3, SQS and ffmpeg code paths against the local
 * stand-ins. The bucket is private and read through presigned URLs (ffprobe's too), with each object's cache headers;
 * a queued job comes back to a worker until it is deleted.
 */
@KeyframeModuleTest
class PlatformModuleTests {

	private final ObjectStorage storage;

	private final StorageSettings settings;

	private final JobQueue queue;

	private final MediaProbe probe;

	private final MediaTools tools;

	private final HttpClient http = HttpClient.newHttpClient();

	PlatformModuleTests(ObjectStorage storage, StorageSettings settings, JobQueue queue, MediaProbe probe,
			MediaTools tools) {
		this.storage = storage;
		this.settings = settings;
		this.queue = queue;
		this.probe = probe;
		this.tools = tools;
	}

	@Test
	void theBucketIsPrivateAndPresignedReadsServeObjectsWithTheirCacheHeaders(@TempDir Path dir) throws Exception {
		Path clip = Media.clip(tools.ffmpegPath(), dir, 160, 120, 1, false);
		String key = "media/platform-module/clip.mp4";
		storage.put(key, clip, "video/mp4", ObjectStorage.IMMUTABLE);

		assertThat(get(settings.endpoint() + "/" + settings.bucket() + "/" + key).statusCode()).as("unsigned")
			.isEqualTo(403);
		String signed = storage.presignGet(key, Duration.ofMinutes(1));
		HttpResponse<byte[]> read = get(signed);
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.headers().firstValue("Cache-Control")).contains(ObjectStorage.IMMUTABLE);
		assertThat(read.body()).hasSize((int) Files.size(clip));
		assertThat(probe.probe(signed).video()).satisfies(video -> {
			assertThat(video.width()).isEqualTo(160);
			assertThat(video.height()).isEqualTo(120);
		});
	}

	@Test
	void aQueuedJobComesBackAfterItsVisibilityUntilItIsDeleted() {
		queue.send("platform-module-job", Duration.ZERO);

		List<Received> first = queue.receive(1, Duration.ofSeconds(2), Duration.ofSeconds(1));
		assertThat(first).singleElement().satisfies(message -> {
			assertThat(message.body()).isEqualTo("platform-module-job");
			assertThat(message.receiveCount()).isEqualTo(1);
		});
		Received again = Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> queue.receive(1, Duration.ofSeconds(1), Duration.ofSeconds(30)), received -> !received.isEmpty())
			.getFirst();
		assertThat(again.receiveCount()).as("a worker that did not delete it").isEqualTo(2);

		queue.delete(again.receiptHandle());
		assertThat(queue.counts().total()).isZero();
	}

	private HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
	}

}
