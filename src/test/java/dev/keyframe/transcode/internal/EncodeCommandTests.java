package dev.keyframe.transcode.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.platform.MediaInfo;

class EncodeCommandTests {

	static final PlannedJob HD = new PlannedJob("720p", RenditionKind.VIDEO, 720, 2800, 128, 1);

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
		List<String> args = EncodeCommand.outputArguments(LadderPlannerTests.video(1920, 1080, true), HD, 0,
				"veryfast", 4, 2, "/tmp/seg_%05d.ts");

		assertThat(String.join(" ", args)).contains("-r 30/1 -fps_mode cfr", "-g 60 -keyint_min 60 -sc_threshold 0",
				"scenecut=0", "-force_key_frames expr:gte(t,n_forced*2)", "-hls_time 4", "-map 0:a:0");
	}

	@Test
	void codecStringsFollowTheH264ProfileAndLevel() {
		assertThat(EncodeCommand.avc1("High", 31)).isEqualTo("avc1.64001f");
		assertThat(EncodeCommand.avc1("Main", 30)).isEqualTo("avc1.4d401e");
		assertThat(EncodeCommand.avc1("Constrained Baseline", 21)).isEqualTo("avc1.42e015");
	}

	@Test
	void frameRatesAboveSixtyAreCapped() {
		assertThat(EncodeCommand.frameRate(new MediaInfo.Video(1920, 1080, "h264", "120/1", 120))).isEqualTo("30");
		assertThat(EncodeCommand.frameRate(new MediaInfo.Video(1920, 1080, "h264", "30000/1001", 29.97)))
			.isEqualTo("30000/1001");
	}

}
