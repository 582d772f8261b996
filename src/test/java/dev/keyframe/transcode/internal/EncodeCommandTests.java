package dev.keyframe.transcode.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.platform.KeyframeContract;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.Packaging;

class EncodeCommandTests {

	static final PlannedJob HD = new PlannedJob("720p", RenditionKind.VIDEO, 720, 2800, 128, 1);

	static final PlannedJob HD_VIDEO_ONLY = new PlannedJob("720p", RenditionKind.VIDEO, 720, 2800, 0, 1000);

	static final PlannedJob SD = new PlannedJob("480p", RenditionKind.VIDEO, 480, 1400, 96, 1);

	@Test
	void oneDecodeIsSplitAndScaledByTheShortSide() {
		MediaInfo landscape = LadderPlannerTests.video(1920, 1080, true);
		MediaInfo portrait = LadderPlannerTests.video(1080, 1920, true);

		assertThat(EncodeCommand.filterGraph(landscape, List.of(HD, SD))).isEqualTo(
				"[0:v:0]split=2[s0][s1];[s0]scale=-2:720:flags=bicubic,setsar=1[v0];[s1]scale=-2:480:flags=bicubic,setsar=1[v1]");
		assertThat(EncodeCommand.filterGraph(portrait, List.of(SD)))
			.isEqualTo("[0:v:0]scale=480:-2:flags=bicubic,setsar=1[v0]");
	}

	@Test
	void everyVideoOutputCarriesTheKeyframeContract() {
		List<String> args = EncodeCommand.outputArguments(LadderPlannerTests.video(1920, 1080, true), HD_VIDEO_ONLY, 0,
				"veryfast", 4, 2, "/tmp/seg_%05d.ts");

		assertThat(String.join(" ", args)).contains("-r 30/1 -fps_mode cfr", "-g 60 -keyint_min 60 -sc_threshold 0",
				"scenecut=0", "-force_key_frames expr:gte(t,n_forced*2)", "-hls_time 3.966667", "-an",
				"-start_number 0", "-output_ts_offset 0.021333")
			.as("the audio is its own rendition").doesNotContain("0:a:0");
	}

	@Test
	void aChunkStartsOnTheFrameGridOfAnEncodeFromZero() {
		// 29.97 fps: the chunk from 60 s starts at frame 1799 (60.0266 s); keyframes forced where frame 0 would put them
		MediaInfo ntsc = new MediaInfo(180_000, "mp4", 0,
				new MediaInfo.Video(1280, 720, "h264", "30000/1001", 29.97, "progressive"), null);
		PlannedJob chunk = new PlannedJob("720p", RenditionKind.VIDEO, 720, 2800, 0, 1001, 1, 60_000, 120_000);

		EncodeCommand.Timing timing = EncodeCommand.timing(ntsc, chunk, 4);

		assertThat(timing.start()).isCloseTo(1799 * 1001 / 30000.0, org.assertj.core.data.Offset.offset(1e-9));
		assertThat(timing.frames()).as("frames 1799 to 3596").isEqualTo(3597 - 1799);
		assertThat(timing.firstSegment()).isEqualTo(15);
		assertThat(timing.tsOffset()).as("no audio, no priming").isEqualTo(timing.start());
		assertThat(String.join(" ", EncodeCommand.outputArguments(ntsc, chunk, 0, "fast", 4, 2, "/tmp/s_%05d.ts")))
			.contains("-force_key_frames expr:gte(t,n_forced*2-0.026633)", "-frames:v 1798", "-start_number 15",
					"-output_ts_offset 60.026633");
		assertThat(EncodeCommand.segmentStart(ntsc, 16, 4)).isCloseTo(1919 * 1001 / 30000.0,
				org.assertj.core.data.Offset.offset(1e-9));
	}

	@Test
	void aCmafChunkIsFragmentedMp4OnTheSameGridItsTimelineTenSecondsOn() {
		MediaInfo source = LadderPlannerTests.video(1920, 1080, true);
		PlannedJob chunk = new PlannedJob("720p", RenditionKind.VIDEO, 720, 2800, 0, 1001, 1, 60_000, 120_000)
			.packagedAs(Packaging.CMAF);

		EncodeCommand.Timing timing = EncodeCommand.timing(source, chunk, 4);
		String args = String.join(" ", EncodeCommand.outputArguments(source, chunk, 0, "fast", 4, 2, "/tmp/seg_%05d.m4s"));

		assertThat(timing.tsOffset()).as("origin, start and the AAC priming")
			.isCloseTo(10 + 60 + 1024 / 48_000.0, org.assertj.core.data.Offset.offset(1e-9));
		assertThat(args).contains("-output_ts_offset 70.021333", "-start_number 15",
				"-hls_segment_type fmp4 -hls_fmp4_init_filename init.mp4 -hls_segment_options movflags=+frag_discont",
				"-hls_segment_filename /tmp/seg_%05d.m4s", "-force_key_frames expr:gte(t,n_forced*2)")
			.doesNotContain("mpegts");
		assertThat(String.join(" ", EncodeCommand.outputArguments(source, HD_VIDEO_ONLY, 0, "fast", 4, 2, "/tmp/s")))
			.as("a job planned before CMAF keeps MPEG-TS").contains("-hls_segment_type mpegts")
			.doesNotContain("fmp4");
		PlannedJob audio = new PlannedJob("audio", RenditionKind.AUDIO, 0, 0, 128, 1).packagedAs(Packaging.CMAF);
		assertThat(EncodeCommand.timing(source, audio, 4).tsOffset())
			.as("no muxer moves CMAF's priming packet: it starts at the origin, its first sample with the first picture")
			.isCloseTo(10 + 1024 / 48_000.0, org.assertj.core.data.Offset.offset(1e-9));
		assertThat(EncodeCommand.timing(source, new PlannedJob("audio", RenditionKind.AUDIO, 0, 0, 128, 1), 4).tsOffset())
			.as("MPEG-TS: the muxer moves it").isZero();
	}

	@Test
	void aVideoJobPlannedBeforeTheAudioWasItsOwnRenditionKeepsItsAudio() {
		// HD has an audio bit rate: planned by an earlier version, queued across an upgrade
		String args = String.join(" ", EncodeCommand.outputArguments(LadderPlannerTests.video(1920, 1080, true), HD, 0,
				"fast", 4, 2, "/tmp/seg_%05d.ts"));

		assertThat(args).contains("-map 0:a:0 -c:a aac -b:a 128k").doesNotContain("-an").doesNotContain("output_ts_offset");
		assertThat(EncodeCommand.muxesAudio(LadderPlannerTests.video(1920, 1080, true),
				new PlannedJob("720p", RenditionKind.VIDEO, 720, 2800, 0, 1000))).isFalse();
	}

	@Test
	void anInterlacedSourceIsDeinterlacedOnceBeforeItIsSplit() {
		MediaInfo interlaced = new MediaInfo(10_000, "mpegts", 0,
				new MediaInfo.Video(1920, 1080, "h264", "25/1", 25, "bb"), null);

		assertThat(EncodeCommand.filterGraph(interlaced, List.of(HD, SD))).startsWith(
				"[0:v:0]bwdif=mode=send_frame:parity=bff:deint=all,split=2[s0][s1];[s0]scale=-2:720");
	}

}
