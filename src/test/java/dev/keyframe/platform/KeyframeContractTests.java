package dev.keyframe.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** One keyframe contract for VOD and live: the x264 arguments, the codec strings, the rate, deinterlacing. */
class KeyframeContractTests {

	@Test
	void everyEncodeGetsAFixedClosedGopWithoutSceneCutsAndKeyframesForcedByTime() {
		assertThat(String.join(" ", KeyframeContract.videoArguments("30000/1001", 2, 0)))
			.isEqualTo("-r 30000/1001 -fps_mode cfr -g 60 -keyint_min 60 -sc_threshold 0 "
					+ "-x264-params scenecut=0:open-gop=0 -force_key_frames expr:gte(t,n_forced*2)");
		assertThat(KeyframeContract.videoArguments("25/1", 4, 0)).containsSubsequence("-g", "100", "-keyint_min", "100");
		assertThat(KeyframeContract.videoArguments("24000/1001", 1, 0)).as("23.976 fps rounds to 24 frames")
			.containsSubsequence("-g", "24");
		assertThat(KeyframeContract.videoArguments("30", 2, -0.0)).last().isEqualTo("expr:gte(t,n_forced*2)");
	}

	@Test
	void aChunkThatStartsAfterItsBoundaryForcesKeyframesWhereTheWholeEncodeWould() {
		// a chunk meant to start at 4 s starts at the first frame after it, 4.026667 s at 30000/1001
		assertThat(KeyframeContract.videoArguments("30000/1001", 2, 4 - 4.0266666666)).last()
			.isEqualTo("expr:gte(t,n_forced*2-0.026667)");
		assertThat(KeyframeContract.videoArguments("25", 2, -0.04)).last().isEqualTo("expr:gte(t,n_forced*2-0.04)");
		assertThat(KeyframeContract.videoArguments("25", 2, 0.5)).last().isEqualTo("expr:gte(t,n_forced*2+0.5)");
		assertThat(KeyframeContract.videoArguments("25", 2, -1e-9)).as("below a microsecond is no offset")
			.last()
			.isEqualTo("expr:gte(t,n_forced*2)");
	}

	@Test
	void nonsenseIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> KeyframeContract.videoArguments("30", 0, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> KeyframeContract.videoArguments("0/0", 2, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> KeyframeContract.videoArguments("30", 2, Double.NaN));
	}

	@Test
	void theOutputRateIsTheSourcesUpToSixtyFps() {
		assertThat(KeyframeContract.outputFrameRate(video("120/1", 120, "progressive"))).isEqualTo("30");
		assertThat(KeyframeContract.outputFrameRate(video("0", 0, "progressive"))).isEqualTo("30");
		assertThat(KeyframeContract.outputFrameRate(video("30000/1001", 29.97, "progressive"))).isEqualTo("30000/1001");
		assertThat(KeyframeContract.outputFrameRate(video("60/1", 60, "progressive"))).isEqualTo("60/1");
		assertThat(KeyframeContract.outputFrameRate(video("25/1", 25, "tt"))).as("1080i50 stays 25 frames a second")
			.isEqualTo("25/1");
	}

	@Test
	void codecStringsFollowTheH264ProfileAndLevel() {
		assertThat(KeyframeContract.avc1("High", 31)).isEqualTo("avc1.64001f");
		assertThat(KeyframeContract.avc1("Main", 30)).isEqualTo("avc1.4d401e");
		assertThat(KeyframeContract.avc1("Constrained Baseline", 21)).isEqualTo("avc1.42e015");
		assertThat(KeyframeContract.avc1("Baseline", 30)).isEqualTo("avc1.42001e");
		assertThat(KeyframeContract.avc1(null, null)).as("unknown: baseline at 4.0").isEqualTo("avc1.420028");
		assertThat(KeyframeContract.avc1("High", 0)).isEqualTo("avc1.640028");
	}

	@Test
	void x264sUltrafastMakesConstrainedBaselineWhateverIsAskedFor() {
		assertThat(KeyframeContract.x264Avc1("main", "veryfast", 31)).isEqualTo("avc1.4d401f");
		assertThat(KeyframeContract.x264Avc1("main", "veryfast", 40)).isEqualTo("avc1.4d4028");
		assertThat(KeyframeContract.x264Avc1("main", "ultrafast", 30)).isEqualTo("avc1.42c01e");
		assertThat(KeyframeContract.x264Avc1("high", "fast", 32)).isEqualTo("avc1.640020");
	}

	@Test
	void interlacedSourcesAreDeinterlacedFrameForFrameWithTheirFieldOrder() {
		assertThat(KeyframeContract.deinterlace(video("25/1", 25, "tt")))
			.contains("bwdif=mode=send_frame:parity=tff:deint=all");
		assertThat(KeyframeContract.deinterlace(video("25/1", 25, "tb")))
			.contains("bwdif=mode=send_frame:parity=tff:deint=all");
		assertThat(KeyframeContract.deinterlace(video("25/1", 25, "bb")))
			.contains("bwdif=mode=send_frame:parity=bff:deint=all");
		assertThat(KeyframeContract.deinterlace(video("30000/1001", 29.97, "BT")))
			.contains("bwdif=mode=send_frame:parity=bff:deint=all");
		assertThat(KeyframeContract.deinterlace(video("25/1", 25, "progressive"))).isEmpty();
		assertThat(KeyframeContract.deinterlace(video("25/1", 25, "unknown"))).isEmpty();
	}

	@Test
	void aFieldOrderFfprobeDoesNotKnowIsProgressive() {
		assertThat(video("25/1", 25, "unknown").fieldOrder()).isEqualTo("progressive");
		assertThat(video("25/1", 25, "").interlaced()).isFalse();
		assertThat(video("25/1", 25, " TT ").fieldOrder()).isEqualTo("tt");
		assertThat(video("25/1", 25, "bt").interlaced()).isTrue();
	}

	private static MediaInfo.Video video(String rate, double fps, String fieldOrder) {
		return new MediaInfo.Video(1920, 1080, "h264", rate, fps, fieldOrder);
	}

}
