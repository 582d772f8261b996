package dev.keyframe.transcode.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.transcode.TranscodeSettings;
import dev.keyframe.transcode.TranscodeSettings.Rung;

class LadderPlannerTests {

	static TranscodeSettings settings(boolean firstRungAlone) {
		return new TranscodeSettings(
				List.of(Rung.parse("1080p:1080:5000:128"), Rung.parse("720p:720:2800:128"),
						Rung.parse("480p:480:1400:96"), Rung.parse("360p:360:800:96")),
				List.of(Rung.parse("audio-128k:0:0:128"), Rung.parse("audio-64k:0:0:64")), 4, 2, "veryfast", 2,
				firstRungAlone, Duration.ofSeconds(60), Duration.ofSeconds(20), 3, Duration.ofSeconds(30),
				Duration.ofMinutes(3), Duration.ofMinutes(5), Duration.ofSeconds(10));
	}

	static MediaInfo video(int width, int height, boolean audio) {
		return new MediaInfo(60_000, "mp4", 8_000_000, new MediaInfo.Video(width, height, "h264", "30/1", 30),
				audio ? new MediaInfo.Audio("aac", 2, 48_000) : null);
	}

	@Test
	void aFullHdSourceGetsTheWholeLadderWithTheLowestRungEncodedOnItsOwn() {
		List<PlannedJob> jobs = LadderPlanner.plan(video(1920, 1080, true), settings(true));

		assertThat(jobs).extracting(PlannedJob::profile).containsExactly("1080p", "720p", "480p", "360p");
		assertThat(jobs).extracting(PlannedJob::group).containsExactly(1, 1, 1, 0);
		assertThat(jobs).allMatch(j -> j.kind() == RenditionKind.VIDEO && j.audioKbps() > 0);
	}

	@Test
	void rungsAboveTheSourceAreSkipped() {
		assertThat(LadderPlanner.plan(video(1280, 720, true), settings(true))).extracting(PlannedJob::profile)
			.containsExactly("720p", "480p", "360p");
	}

	@Test
	void portraitVideoIsPlannedByItsShortSide() {
		assertThat(LadderPlanner.plan(video(1080, 1920, true), settings(true))).extracting(PlannedJob::profile)
			.containsExactly("1080p", "720p", "480p", "360p");
	}

	@Test
	void aSourceSmallerThanEveryRungGetsOneRungAtItsOwnEvenSize() {
		List<PlannedJob> jobs = LadderPlanner.plan(video(321, 241, false), settings(true));

		assertThat(jobs).hasSize(1);
		assertThat(jobs.get(0).shortSide()).isEqualTo(240);
		assertThat(jobs.get(0).audioKbps()).as("no audio in the source").isZero();
		assertThat(jobs.get(0).group()).isZero();
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
			.containsOnly(0);
	}

}
