package dev.keyframe.live.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.keyframe.live.LiveSettings;
import dev.keyframe.platform.KeyframeContract;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.Rung;

/** Which rungs a feed gets, at what size and H.264 level, and the transcoder's HLS settings. */
class LiveCommandTests {

	private static final List<Rung> LADDER = List.of(new Rung("1080p", 1080, 5000, 128), new Rung("720p", 720, 2800, 128),
			new Rung("480p", 480, 1400, 96), new Rung("360p", 360, 800, 96));

	@Test
	void rungsTallerThanTheFeedAreSkippedAndATinyFeedGetsOneAtItsOwnSize() {
		assertThat(LiveCommand.rungs(LADDER, video(1280, 720).video())).extracting(Rung::name)
			.containsExactly("720p", "480p", "360p");
		assertThat(LiveCommand.rungs(LADDER, video(720, 1280).video())).as("portrait: by the short side")
			.extracting(Rung::name)
			.containsExactly("720p", "480p", "360p");
		List<Rung> tiny = LiveCommand.rungs(LADDER, video(320, 181).video());
		assertThat(tiny).singleElement().satisfies(rung -> assertThat(rung.shortSide()).isEqualTo(180));
	}

	@Test
	void sizesFollowTheFeedsShapeAndLevelsItsMacroblockRate() {
		Rung r480 = LADDER.get(2);
		assertThat(LiveCommand.size(r480, video(1280, 720).video())).containsExactly(852, 480);
		assertThat(LiveCommand.size(r480, video(720, 1280).video())).containsExactly(480, 852);
		assertThat(LiveCommand.level(LADDER.get(3), video(1280, 720).video())).isEqualTo("3.0");
		assertThat(LiveCommand.level(r480, video(1280, 720).video())).as("480p30 exceeds level 3.0").isEqualTo("3.1");
		assertThat(LiveCommand.level(LADDER.get(1), video(1280, 720).video())).isEqualTo("3.1");
		assertThat(LiveCommand.level(LADDER.get(0), video(1920, 1080).video())).isEqualTo("4.0");
		assertThat(LiveCommand.codecs(r480, video(1280, 720).video(), "veryfast", true)).isEqualTo("avc1.4d401f,mp4a.40.2");
		assertThat(LiveCommand.codecs(LADDER.get(3), video(1280, 720).video(), "ultrafast", false))
			.isEqualTo("avc1.42c01e");
	}

	@Test
	void theTranscoderWritesAlignedAppendableLiveHlsWithTheWindowItIsGiven() {
		LiveSettings settings = settings();
		List<String> command = LiveCommand.command(Path.of("/ffmpeg"), LiveCommand.rungs(settings.ladder(),
				video(1280, 720).video()), video(1280, 720), settings, 60, Path.of("/work/s1"));
		String line = String.join(" ", command);
		assertThat(line).contains("-i pipe:0", "-hls_time 2", "-hls_list_size 60", "program_date_time", "omit_endlist",
				"append_list", "-var_stream_map v:0,a:0,name:720p v:1,a:1,name:360p", "/work/s1/%v/index.m3u8");
		assertThat(line).doesNotContain("discont_start"); // append_list marks the seam itself
		assertThat(String.join(" ", LiveCommand.command(Path.of("/ffmpeg"), settings.ladder(),
				new MediaInfo(0, "mpegts", 0, new MediaInfo.Video(1280, 720, "h264", "30/1", 30, "progressive"), null),
				settings, 6, Path.of("/w"))))
			.as("no audio, no audio maps")
			.doesNotContain("0:a:0")
			.contains("v:0,name:720p");
	}

	/**
	 * A low-latency channel's encoder cuts half-second parts by time, with no B-frames so each is exactly 15 frames
	 * in every rendition, keeps a parts playlist of a few segments whatever the DVR window (only the assembler reads
	 * it), and keeps the GOP at one per segment.
	 */
	@Test
	void aLowLatencyEncoderCutsHalfSecondPartsWithoutBFramesAndKeepsOneGopPerSegment() {
		LiveSettings settings = settings();
		LowLatency layout = LowLatency.forSegments(settings.segmentSeconds());
		assertThat(layout.partsPerSegment()).isEqualTo(4);
		List<String> command = LiveCommand.command(Path.of("/ffmpeg"), settings.ladder(), video(1280, 720), settings, 6,
				Path.of("/w"), layout);
		String line = String.join(" ", command);
		assertThat(line).contains("-bf 0", "-hls_time 0.5", "-hls_list_size 20", "split_by_time", "program_date_time", "append_list", "/w/%v/p_%06d.ts", "/w/%v/parts.m3u8", "-g 60",
				"expr:gte(t,n_forced*2)");
		assertThat(line).as("the assembler deletes parts, once stored and no longer listed")
			.doesNotContain("index.m3u8", "independent_segments", "delete_segments");
		assertThat(String.join(" ", LiveCommand.command(Path.of("/ffmpeg"), settings.ladder(), video(1280, 720), settings,
				10_800, Path.of("/w"), layout))).as("a 6 h DVR window").contains("-hls_list_size 20");
		assertThat(String.join(" ", LiveCommand.slate(Path.of("/ffmpeg"), Path.of("/w/slate.png"), settings.ladder(),
				video(1280, 720), settings, 6, Path.of("/w"), layout)))
			.as("the slate continues the same parts")
			.contains("-bf 0", "/w/%v/parts.m3u8");
		assertThat(String.join(" ", LiveCommand.command(Path.of("/ffmpeg"), settings.ladder(), video(1280, 720), settings,
				6, Path.of("/w")))).as("a standard channel is unchanged").doesNotContain("-bf 0", "split_by_time");
	}

	/**
	 * The keyframe contract at live's own rate, 30 fps, with one GOP per segment: what live always asked for
	 * ({@code -r 30 -g 60 -keyint_min 60 -sc_threshold 0}, keyframes forced every segment), and, as the VOD
	 * encoder has it, constant frame rate (the HLS muxer's default with {@code -r}), no scene cuts in x264's own
	 * terms (what {@code -sc_threshold 0} sets) and closed GOPs (x264's default).
	 */
	@Test
	void everyRenditionCarriesTheKeyframeContractAtThirtyFramesAndOneGopPerSegment() {
		LiveSettings settings = settings();
		List<String> command = LiveCommand.command(Path.of("/ffmpeg"), settings.ladder(), video(1280, 720), settings,
				6, Path.of("/w"));

		assertThat(command.get(command.indexOf("-filter_complex") + 1)).as("30 fps made in the graph, captions and all")
			.startsWith("[0:v]fps=30,split=2");
		assertThat(String.join(" ", command)).contains("-c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p "
				+ "-fps_mode passthrough -g 60 -keyint_min 60 -sc_threshold 0 -x264-params scenecut=0:open-gop=0 "
				+ "-force_key_frames expr:gte(t,n_forced*2) -level:v:0 3.1")
			.doesNotContain("-r 30");
		List<String> contract = new java.util.ArrayList<>(KeyframeContract.videoArguments("30", 2, 0));
		contract.subList(contract.indexOf("-r"), contract.indexOf("-r") + 2).clear();
		contract.set(contract.indexOf("-fps_mode") + 1, "passthrough");
		assertThat(command).containsSubsequence(contract);
	}

	/**
	 * Two pipelines (docs/adr/0020): the feed's timestamps kept, 30 fps made on the feed's clock, and the first picture
	 * one on the grid of whole segments, so both encoders force their keyframes on the same pictures.
	 */
	@Test
	void anAlignedEncoderKeepsTheFeedsTimestampsAndStartsOnTheSegmentGrid() {
		LiveSettings settings = settings();
		List<String> command = LiveCommand.command(Path.of("/ffmpeg"), settings.ladder(), video(1280, 720), settings,
				6, Path.of("/w"), null, false, true);

		assertThat(command.indexOf("-copyts")).isBetween(0, command.indexOf("-i"));
		assertThat(command.get(command.indexOf("-filter_complex") + 1))
			.startsWith("[0:v]fps=30,select='if(isnan(prev_selected_t),lt(mod(t+0.001,2),0.002),1)',split=2");
		assertThat(String.join(" ", command)).contains("-fps_mode passthrough -g 60 -keyint_min 60 -sc_threshold 0 "
				+ "-x264-params scenecut=0:open-gop=0 -force_key_frames expr:gte(t,n_forced*2)")
			.doesNotContain("-r 30");
		assertThat(command).as("it lists a minute more than the window: the numbering sees every segment")
			.containsSubsequence("-hls_list_size", "36");
		List<String> single = LiveCommand.command(Path.of("/ffmpeg"), settings.ladder(), video(1280, 720), settings, 6,
				Path.of("/w"), null, false, false);
		assertThat(single).doesNotContain("-copyts", "-r").containsSubsequence("-fps_mode", "passthrough");
		assertThat(single.get(single.indexOf("-filter_complex") + 1)).startsWith("[0:v]fps=30,split=2");
	}

	@Test
	void anInterlacedFeedIsDeinterlacedOnceBeforeItIsSplit() {
		LiveSettings settings = settings();
		MediaInfo interlaced = new MediaInfo(0, "mpegts", 0,
				new MediaInfo.Video(1920, 1080, "h264", "25/1", 25, "tt"), new MediaInfo.Audio("aac", 2, 48000));
		List<String> command = LiveCommand.command(Path.of("/ffmpeg"), settings.ladder(), interlaced, settings, 6,
				Path.of("/w"));

		assertThat(command.get(command.indexOf("-filter_complex") + 1))
			.isEqualTo("[0:v]bwdif=mode=send_frame:parity=tff:deint=all,fps=30,split=2[s0][s1];"
					+ "[s0]scale=w=-2:h=720[v0];[s1]scale=w=-2:h=360[v1]");
		List<String> progressive = LiveCommand.command(Path.of("/ffmpeg"), settings.ladder(), video(1920, 1080),
				settings, 6, Path.of("/w"));
		assertThat(progressive.get(progressive.indexOf("-filter_complex") + 1)).as("progressive: no deinterlacer")
			.isEqualTo("[0:v]fps=30,split=2[s0][s1];[s0]scale=w=-2:h=720[v0];[s1]scale=w=-2:h=360[v1]");
	}

	private static LiveSettings settings() {
		return new LiveSettings(19350, "http://localhost:19350",
				new LiveSettings.Rtmp(true, "/usr/sbin/nginx", "/m.so", 19351, "rtmp://localhost:19351/live"),
				new LiveSettings.Srt(true, "libsrt.so.1.5", 19352, "srt://localhost:19352"),
				List.of(Rung.parse("720p:720:2800:128"), Rung.parse("360p:360:800:96")), "veryfast", 2, 6,
				Duration.ofSeconds(5), Duration.ofSeconds(10), 5, "process",
				new LiveSettings.Ecs(null, null, "keyframe", List.of(), List.of(), false, null), "127.0.0.1", 0, null,
				Duration.ofSeconds(5), Duration.ofSeconds(90), new LiveSettings.Transcoder(null, 0, "A"), true,
				new LiveSettings.Failover(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(15),
						Duration.ofSeconds(10)));
	}

	private static MediaInfo video(int width, int height) {
		return new MediaInfo(10_000, "mpegts", 3_000_000,
				new MediaInfo.Video(width, height, "h264", "30/1", 30, "progressive"),
				new MediaInfo.Audio("aac", 2, 48000));
	}

}
