package dev.keyframe.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.BDDMockito.given;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.event.EventListener;
import org.springframework.modulith.test.Scenario;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import dev.keyframe.catalog.AssetDeleted;
import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AssetLookup;
import dev.keyframe.catalog.AssetSource;
import dev.keyframe.catalog.AssetUploaded;
import dev.keyframe.catalog.PosterStored;
import dev.keyframe.catalog.RenditionPublished;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.catalog.TranscodeProgressed;
import dev.keyframe.catalog.TranscodeWork;
import dev.keyframe.catalog.TranscodeWork.JobCounts;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.MediaProbe;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.support.KeyframeModuleTest;
import dev.keyframe.support.Media;

/**
 * Transcode alone, with its real queue, database, storage and ffmpeg: it hears that an asset was uploaded, reads
 * the asset's source through the catalog's {@link AssetLookup} (a mock here: the catalog is not started), and tells
 * the catalog by events what it published and how its jobs stand.
 */
@KeyframeModuleTest
class TranscodeModuleTests {

	private static final Duration ENCODE = Duration.ofSeconds(120);

	@MockitoBean
	AssetLookup catalog;

	@Autowired
	CatalogSide catalogSide;

	private final ObjectStorage storage;

	private final MediaTools tools;

	private final MediaProbe probe;

	private final TranscodeWork work;

	TranscodeModuleTests(ObjectStorage storage, MediaTools tools, MediaProbe probe, TranscodeWork work) {
		this.storage = storage;
		this.tools = tools;
		this.probe = probe;
		this.work = work;
	}

	@Test
	void anUploadedAssetIsEncodedAndTheCatalogHearsEachRenditionAndTheCounts(Scenario scenario) throws IOException {
		AssetId asset = AssetId.random();
		AssetSource source = stored(asset);
		given(catalog.source(asset)).willReturn(Optional.of(source));
		given(catalog.exists(asset)).willReturn(true);

		scenario.publish(new AssetUploaded(asset, source.key(), source.media()))
			.customize(wait -> wait.atMost(ENCODE))
			.andWaitForStateChange(() -> catalogSide.finished(asset))
			.andVerify(jobs -> {
				assertThat(jobs.get().failed()).as(String.valueOf(jobs.get().firstError())).isZero();
				assertThat(jobs.get().total()).as("360p and 240p of a 360p source, and the audio").isEqualTo(3);
			});

		assertThat(catalogSide.heard(asset, TranscodeProgressed.class)).first()
			.as("the planned jobs, in the upload's transaction")
			.satisfies(planned -> assertThat(planned.jobs().active()).isEqualTo(3));
		List<RenditionSpec> published = catalogSide.heard(asset, RenditionPublished.class)
			.stream()
			.map(RenditionPublished::rendition)
			.toList();
		assertThat(published).as("every rendition names the audio group: the videos play with it, the audio is of it")
			.filteredOn(RenditionSpec::complete)
			.extracting(RenditionSpec::profile, RenditionSpec::audioGroup)
			.containsExactlyInAnyOrder(tuple("360p", "audio"), tuple("240p", "audio"), tuple("audio", "audio"));
		published.forEach(rendition -> assertThat(storage.head(rendition.playlistKey()))
			.as("the playlist of %s is stored before the catalog hears of it", rendition.profile())
			.isPresent());
		// the poster is taken once the first chunk is published, after its jobs are finished
		assertThat(org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> catalogSide.heard(asset, PosterStored.class), posters -> !posters.isEmpty())).singleElement()
			.satisfies(poster -> assertThat(storage.head(poster.key())).isPresent());
		assertThat(work.jobsFor(asset)).extracting(TranscodeWork.JobView::state).containsOnly("DONE");
	}

	@Test
	void aSourceTheCatalogNoLongerHasFailsTheJobsAndADeletedAssetTakesThem(Scenario scenario) {
		AssetId asset = AssetId.random();
		MediaInfo media = new MediaInfo(4_000, "mov,mp4,m4a,3gp,3g2,mj2", 500_000,
				new MediaInfo.Video(640, 360, "h264", "25/1", 25, MediaInfo.Video.PROGRESSIVE), null);
		// catalog.source(asset) is empty: the source was deleted after the upload

		scenario.publish(new AssetUploaded(asset, AssetKeys.source(asset), media))
			.customize(wait -> wait.atMost(ENCODE))
			.andWaitForStateChange(() -> catalogSide.finished(asset))
			.andVerify(jobs -> {
				assertThat(jobs.get().failed()).isEqualTo(jobs.get().total());
				assertThat(jobs.get().firstError()).contains("source is gone");
			});
		assertThat(catalogSide.heard(asset, RenditionPublished.class)).isEmpty();

		scenario.publish(new AssetDeleted(asset))
			.andWaitForStateChange(() -> work.jobsFor(asset).isEmpty())
			.andVerify(gone -> assertThat(work.progress(List.of(asset))).isEmpty());
	}

	/**
	 * Stands where the catalog's listeners stand: hears what transcode tells the catalog, from whichever thread
	 * (workers publish from theirs, where {@code Scenario}'s own capture does not look).
	 */
	@TestConfiguration
	static class CatalogSide {

		private final List<Object> heard = new CopyOnWriteArrayList<>();

		@EventListener
		void on(TranscodeProgressed event) {
			heard.add(event);
		}

		@EventListener
		void on(RenditionPublished event) {
			heard.add(event);
		}

		@EventListener
		void on(PosterStored event) {
			heard.add(event);
		}

		<T> List<T> heard(AssetId asset, Class<T> type) {
			return heard.stream()
				.filter(type::isInstance)
				.map(type::cast)
				.filter(event -> asset.equals(switch (event) {
					case TranscodeProgressed e -> e.asset();
					case RenditionPublished e -> e.asset();
					case PosterStored e -> e.asset();
					default -> null;
				}))
				.toList();
		}

		/** The counts once no job of the asset is left to run, or empty before. */
		Optional<JobCounts> finished(AssetId asset) {
			return heard(asset, TranscodeProgressed.class).stream()
				.map(TranscodeProgressed::jobs)
				.filter(jobs -> jobs.active() == 0)
				.findFirst();
		}

	}

	/** A 4 s clip with sound, stored as the asset's source, and what ffprobe reads in it. */
	private AssetSource stored(AssetId asset) throws IOException {
		Path dir = Files.createTempDirectory("transcode-module");
		Path clip = Media.clip(tools.ffmpegPath(), dir, 640, 360, 4, true);
		String key = AssetKeys.source(asset);
		storage.put(key, clip, "video/mp4", ObjectStorage.IMMUTABLE);
		return new AssetSource(key, probe.probe(storage.presignGet(key, Duration.ofMinutes(10))));
	}

}
