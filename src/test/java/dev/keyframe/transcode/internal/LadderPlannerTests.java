package dev.keyframe.transcode.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.Packaging;
import dev.keyframe.platform.Rung;
import dev.keyframe.transcode.TranscodeSettings;

class LadderPlannerTests {

	static TranscodeSettings settings(boolean firstRungAlone) {
		return new TranscodeSettings(
				List.of(Rung.parse("1080p:1080:5000:128"), Rung.parse("720p:720:2800:128"),
						Rung.parse("480p:480:1400:96"), Rung.parse("360p:360:800:96")),
				List.of(Rung.parse("audio-128k:0:0:128"), Rung.parse("audio-64k:0:0:64")), 4, 2, "veryfast", 2,
				firstRungAlone, Duration.ofSeconds(60), Duration.ofSeconds(20), 3, Duration.ofSeconds(30),
				Duration.ofMinutes(3), Duration.ofMinutes(5), Duration.ofSeconds(10), 60, Packaging.CMAF);
	}

	static MediaInfo video(int width, int height, boolean audio) {
		return video(width, height, audio, 60_000);
	}

	static MediaInfo video(int width, int height, boolean audio, long durationMillis) {
		return new MediaInfo(durationMillis, "mp4", 8_000_000,
				new MediaInfo.Video(width, height, "h264", "30/1", 30, "progressive"),
				audio ? new MediaInfo.Audio("aac", 2, 48_000) : null);
	}

	@Test
	void aFullHdSourceGetsTheWholeLadderWithTheLowestRungEncodedOnItsOwnAndTheAudioOnce() {
		List<PlannedJob> jobs = LadderPlanner.plan(video(1920, 1080, true), settings(true));

		assertThat(jobs).extracting(PlannedJob::profile).containsExactly("audio", "1080p", "720p", "480p", "360p");
		assertThat(jobs).extracting(PlannedJob::group).as("one chunk: the audio with the lowest rung")
			.containsExactly(1, 1000, 1000, 1000, 1);
		assertThat(jobs).extracting(PlannedJob::packaging).as("the setting's packaging").containsOnly(Packaging.CMAF);
		assertThat(jobs.get(0).kind()).isEqualTo(RenditionKind.AUDIO);
		assertThat(jobs.get(0).audioKbps()).as("the ladder's highest audio bit rate").isEqualTo(128);
		assertThat(jobs.subList(1, 5)).allMatch(j -> j.kind() == RenditionKind.VIDEO && j.audioKbps() == 0);
		assertThat(jobs).allMatch(j -> j.chunk() == 0 && j.startMillis() == 0 && j.last());
		assertThat(jobs).filteredOn(PlannedJob::urgent).extracting(PlannedJob::profile).containsExactly("audio", "360p");
	}

	@Test
	void everyAudioStreamOfAVideoSourceIsARenditionEncodedInOneDecodeAndTheAudioOnlyLadderStaysOfTheFirst() {
		MediaInfo dubbed = new MediaInfo(200_000, "mp4", 8_000_000,
				new MediaInfo.Video(1280, 720, "h264", "30/1", 30, "progressive"), new MediaInfo.Audio("aac", 2, 48_000),
				List.of(new MediaInfo.AudioTrack(0, "aac", 2, "eng", null, true),
						new MediaInfo.AudioTrack(1, "ac3", 6, "ger", "Deutsch", false)));
		List<PlannedJob> jobs = LadderPlanner.plan(dubbed, settings(true));
		List<PlannedJob> audio = jobs.stream().filter(j -> j.kind() == RenditionKind.AUDIO).toList();
		assertThat(audio).extracting(PlannedJob::profile).containsExactly("audio", "audio-1");
		assertThat(audio).as("several chunks: both streams in one decode of their own, the whole length, urgent")
			.allMatch(j -> j.group() == 0 && j.chunk() == 0 && j.last() && j.urgent() && j.audioKbps() == 128);
		List<String> args = EncodeCommand.outputArguments(dubbed, audio.get(1), 0, "veryfast", 4, 2, "seg_%05d.ts");
		assertThat(String.join(" ", args)).contains("-vn -map 0:a:1 -c:a aac");
		assertThat(String.join(" ", EncodeCommand.outputArguments(dubbed, audio.get(0), 0, "veryfast", 4, 2, "s")))
			.contains("-map 0:a:0 ");

		MediaInfo album = new MediaInfo(60_000, "mp4", 128_000, null, new MediaInfo.Audio("aac", 2, 48_000),
				List.of(new MediaInfo.AudioTrack(0, "aac", 2, "eng", null, true),
						new MediaInfo.AudioTrack(1, "aac", 2, "ger", null, false)));
		assertThat(LadderPlanner.plan(album, settings(true))).as("an audio-only source: its ladder, of the first stream")
			.extracting(PlannedJob::profile)
			.containsExactly("audio-128k", "audio-64k");
		assertThat(String.join(" ", EncodeCommand.outputArguments(album,
				LadderPlanner.plan(album, settings(true)).get(0), 0, "veryfast", 4, 2, "s"))).contains("-map 0:a:0 ");
	}

	@Test
	void aLongSourceIsCutIntoChunksOnSegmentBoundariesEachAJobPerRung() {
		// 200 s in 60 s chunks: 0-60, 60-120, then 80 s left, under one and a half chunks: one last chunk
		List<PlannedJob> jobs = LadderPlanner.plan(video(1280, 720, true, 200_000), settings(true));

		List<PlannedJob> low = jobs.stream().filter(j -> j.profile().equals("360p")).toList();
		assertThat(low).extracting(PlannedJob::chunk, PlannedJob::startMillis, PlannedJob::endMillis)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(0, 0L, 60_000L),
					org.assertj.core.groups.Tuple.tuple(1, 60_000L, 120_000L),
					org.assertj.core.groups.Tuple.tuple(2, 120_000L, 0L));
		assertThat(low).extracting(PlannedJob::group).as("each chunk of the lowest rung alone, urgent")
			.containsExactly(1, 2, 3);
		assertThat(jobs.stream().filter(j -> j.chunk() == 1 && !j.profile().equals("360p")))
			.extracting(PlannedJob::profile, PlannedJob::group)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("720p", 1001),
					org.assertj.core.groups.Tuple.tuple("480p", 1001));
		assertThat(jobs).filteredOn(j -> j.kind() == RenditionKind.AUDIO).singleElement()
			.satisfies(a -> assertThat(a.last() && a.startMillis() == 0 && a.group() == 0)
				.as("audio in one piece, its own job, first").isTrue());
		assertThat(low.get(1).describeChunk()).isEqualTo("chunk 1 (1:00\u20132:00)");
	}

	@Test
	void aSourceUpToOneAndAHalfChunksStaysOneChunk() {
		assertThat(LadderPlanner.chunks(90_000, settings(true))).hasSize(1);
		assertThat(LadderPlanner.chunks(90_001, settings(true))).hasSize(2);
		assertThat(LadderPlanner.chunks(150_000, settings(true))).extracting(c -> c[0]).containsExactly(0L, 60_000L);
	}

	@Test
	void rungsAboveTheSourceAreSkipped() {
		assertThat(LadderPlanner.plan(video(1280, 720, true), settings(true))).extracting(PlannedJob::profile)
			.containsExactly("audio", "720p", "480p", "360p");
	}

	@Test
	void portraitVideoIsPlannedByItsShortSide() {
		assertThat(LadderPlanner.plan(video(1080, 1920, true), settings(true))).extracting(PlannedJob::profile)
			.containsExactly("audio", "1080p", "720p", "480p", "360p");
	}

	@Test
	void aSourceSmallerThanEveryRungGetsOneRungAtItsOwnEvenSize() {
		List<PlannedJob> jobs = LadderPlanner.plan(video(321, 241, false), settings(true));

		assertThat(jobs).as("no audio in the source, so no audio rendition").hasSize(1);
		assertThat(jobs.get(0).shortSide()).isEqualTo(240);
		assertThat(jobs.get(0).group()).isEqualTo(1);
	}

	@Test
	void audioOnlySourcesGetTheAudioLadder() {
		MediaInfo tone = new MediaInfo(60_000, "mp4", 128_000, null, new MediaInfo.Audio("aac", 2, 48_000));

		assertThat(LadderPlanner.plan(tone, settings(true))).extracting(PlannedJob::profile, PlannedJob::kind)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("audio-128k", RenditionKind.AUDIO),
					org.assertj.core.groups.Tuple.tuple("audio-64k", RenditionKind.AUDIO));
	}

	@Test
	void withoutTheSplitEveryRungSharesOneProcess() {
		assertThat(LadderPlanner.plan(video(1920, 1080, true), settings(false))).extracting(PlannedJob::group)
			.containsExactly(1, 1, 1, 1, 1);
	}

}
