package dev.keyframe.live.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.keyframe.live.LiveSettings;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.Rung;
import dev.keyframe.platform.TestMediaTools;

/**
 * Whether a feed's own video becomes the top rung: read from MPEG-TS the bundled ffmpeg makes at test time (the
 * encoders broadcasters use: x264 with and without B-frames, at several keyframe intervals), and the ladder the
 * transcoder then makes, run for real, cut on the same frames in every rendition.
 */
class PassthroughTests {

	private static final List<Rung> LADDER = List.of(new Rung("720p", 720, 2800, 128), new Rung("360p", 360, 800, 96),
			new Rung("240p", 240, 400, 64));

	private static final MediaInfo.Video FEED = new MediaInfo.Video(640, 360, "h264", "30/1", 30, "progressive");

	@TempDir
	static Path work;

	static MediaTools tools;

	@BeforeAll
	static void tools() {
		tools = TestMediaTools.in(work, "passthrough-test");
	}

	@Test
	void aZeroLatencyFeedWithOneSecondKeyframesIsCopiedAsTheTopRung() throws Exception {
		VideoScan scan = VideoScan.of(feed("zero", 3, 30, "ultrafast", "-tune", "zerolatency"));

		assertThat(scan.keyframes()).hasSize(3);
		assertThat(scan.intervals()).allSatisfy(gap -> assertThat(gap).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.001)));
		assertThat(scan.reordered()).isFalse();
		assertThat(scan.frames()).isEqualTo(90);
		assertThat(scan.sps()).isNotNull();
		assertThat(scan.sps().avc1()).as("x264's ultrafast is Constrained Baseline, level 3.0 at 640x360")
			.isEqualTo("avc1.42c01e");
		assertThat(scan.kbps()).isPositive();

		byte[] bytes = feed("zero", 3, 30, "ultrafast", "-tune", "zerolatency");
		VideoScan.Reader reader = new VideoScan.Reader();
		java.util.Random sizes = new java.util.Random(3);
		for (int at = 0; at < bytes.length;) {
			int n = Math.min(bytes.length - at, 1 + sizes.nextInt(5000));
			reader.feed(java.util.Arrays.copyOfRange(bytes, at, at + n), n);
			at += n;
		}
		assertThat(reader.finish()).as("read as it arrives, in chunks of any size").isEqualTo(scan);

		Passthrough decided = Passthrough.decide(FEED, scan, LADDER, 2, true, false);
		assertThat(decided).isInstanceOfSatisfying(Passthrough.On.class, on -> {
			assertThat(on.rung().name()).isEqualTo("360p");
			assertThat(on.rung().shortSide()).isEqualTo(360);
			assertThat(on.rung().videoKbps()).isEqualTo(scan.kbps());
			assertThat(on.avc1()).isEqualTo("avc1.42c01e");
			assertThat(on.detail()).contains("The 360p rung is the feed's own video", "Constrained Baseline 3.0",
					"keyframes every 1.00 s");
			assertThat(Passthrough.ladder(on, LADDER)).extracting(Rung::name)
				.as("the copied rung replaces the ladder's own 360p; only shorter rungs are encoded")
				.containsExactly("360p", "240p");
		});
	}

	@Test
	void bFramesAreCopiedOnAStandardChannelButNotOnALowLatencyOne() throws Exception {
		VideoScan scan = VideoScan.of(feed("bframes", 3, 60, "veryfast"));

		assertThat(scan.reordered()).isTrue();
		assertThat(scan.sps().profileName()).isEqualTo("High");
		assertThat(scan.sps().avc1()).startsWith("avc1.6400");
		assertThat(Passthrough.decide(FEED, scan, LADDER, 2, false, false)).isInstanceOf(Passthrough.On.class);
		assertThat(Passthrough.decide(FEED, scan, LADDER, 2, true, false))
			.isInstanceOfSatisfying(Passthrough.Off.class, off -> assertThat(off.reason()).contains("B-frames"));
	}

	@Test
	void keyframesThatDoNotFitTheSegmentsAreRefusedWithTheIntervalToSet() throws Exception {
		assertThat(Passthrough.decide(FEED, VideoScan.of(feed("three", 4, 90, "ultrafast")), LADDER, 2, false, false))
			.isInstanceOfSatisfying(Passthrough.Off.class, off -> assertThat(off.reason())
				.contains("keyframes are 3.00 s apart", "Set the encoder's keyframe interval to 2 s"));
		assertThat(Passthrough.decide(FEED, VideoScan.of(feed("odd", 4, 45, "ultrafast")), LADDER, 2, false, false))
			.as("1.5 s apart: a copied segment would be 3 s where the others are 2 s")
			.isInstanceOfSatisfying(Passthrough.Off.class,
					off -> assertThat(off.reason()).contains("keyframes are 1.50 s apart"));
	}

	@Test
	void aFeedStartIsWaitedForUntilItShowsAWholeSegmentOfKeyframes() throws Exception {
		byte[] whole = feed("short", 3, 60, "ultrafast");
		VideoScan first = VideoScan.of(java.util.Arrays.copyOf(whole, whole.length / 3));
		assertThat(first.keyframes()).hasSize(1);
		assertThat(Passthrough.decide(FEED, first, LADDER, 2, false, false)).as("1 s of a 2 s GOP: wait").isNull();
		assertThat(Passthrough.decide(FEED, first, LADDER, 2, false, true)).as("the probe's limit: decide")
			.isInstanceOf(Passthrough.Off.class);
		assertThat(Passthrough.decide(FEED, VideoScan.of(whole), LADDER, 2, false, false))
			.isInstanceOf(Passthrough.On.class);
	}

	@Test
	void whatBrowsersCannotPlayAsItIsIsEncoded() {
		VideoScan high10 = new VideoScan(List.of(0L, 180_000L), false, new VideoScan.Sps(110, 0, 31, 1, 10), 1000, 0,
				200_000, 60);
		assertThat(Passthrough.decide(FEED, high10, LADDER, 2, false, false))
			.isInstanceOfSatisfying(Passthrough.Off.class, off -> assertThat(off.reason()).contains("High 10"));
		VideoScan fine = new VideoScan(List.of(0L, 180_000L), false, new VideoScan.Sps(100, 0, 31, 1, 8), 1000, 0,
				200_000, 60);
		assertThat(Passthrough.decide(FEED, fine, LADDER, 2, false, false)).isInstanceOf(Passthrough.On.class);
		assertThat(Passthrough.decide(new MediaInfo.Video(640, 360, "hevc", "30/1", 30, "progressive"), fine, LADDER, 2,
				false, false))
			.isInstanceOfSatisfying(Passthrough.Off.class, off -> assertThat(off.reason()).contains("hevc"));
		assertThat(Passthrough.decide(new MediaInfo.Video(1280, 720, "h264", "60/1", 60, "progressive"), fine, LADDER, 2,
				false, false))
			.isInstanceOfSatisfying(Passthrough.Off.class, off -> assertThat(off.reason()).contains("60 fps"));
		assertThat(Passthrough.decide(new MediaInfo.Video(1920, 1080, "h264", "25/1", 25, "tt"), fine, LADDER, 2, false,
				false))
			.isInstanceOfSatisfying(Passthrough.Off.class, off -> assertThat(off.reason()).contains("interlaced"));
		assertThat(VideoScan.of("not a transport stream".getBytes()).firstPts()).isEqualTo(-1);
	}

	/**
	 * The transcoder's own command line, run on a feed with 1 s keyframes: the copied rung and the encoded ones have
	 * the same number of segments, each of the same length, each opening with a keyframe at the same instant (within
	 * half a frame); on a low-latency channel the same holds for every part.
	 */
	@Test
	void theCopiedAndTheEncodedRungsCutOnTheSameFrames() throws Exception {
		byte[] feed = feed("ladder", 8, 30, "ultrafast", "-tune", "zerolatency");
		MediaInfo info = new MediaInfo(8_000, "mpegts", 0, FEED, new MediaInfo.Audio("aac", 2, 48000));
		Passthrough.On on = (Passthrough.On) Passthrough.decide(FEED, VideoScan.of(feed), LADDER, 2, true, false);
		List<Rung> rungs = Passthrough.ladder(on, LADDER);
		for (LowLatency lowLatency : java.util.Arrays.asList(null, LowLatency.forSegments(2))) {
			Path out = Files.createDirectories(work.resolve(lowLatency == null ? "standard" : "low"));
			List<String> command = LiveCommand.command(tools.ffmpegPath(), rungs, info, settings(), 60, out, lowLatency,
					true);
			assertThat(String.join(" ", command)).contains("-map 0:v:0", "-c:v:0 copy", "-c:v:1 libx264",
				"-force_key_frames:v:1 source", "-fps_mode:v:1 passthrough", "[0:v]split=1[s1]")
				.doesNotContain("-b:v:0", "-g 60", "-r 30");
			// a low-latency encoder gets its input through the gate, here from the middle of a GOP, as a restarted
			// one does
			run(command, lowLatency == null ? feed : gate(feed, feed.length / 3 / 188 * 188), out);
			String playlist = lowLatency == null ? "index.m3u8" : PartAssembler.PARTS_PLAYLIST;
			List<String> copied = files(out.resolve("360p").resolve(playlist));
			List<String> encoded = files(out.resolve("240p").resolve(playlist));
			assertThat(copied).hasSizeGreaterThanOrEqualTo(lowLatency == null ? 4 : 9).hasSameSizeAs(encoded);
			assertThat(durations(out.resolve("360p").resolve(playlist)))
				.isEqualTo(durations(out.resolve("240p").resolve(playlist)));
			for (int i = 0; i < copied.size() - 1; i++) {
				double[] a = firstFrame(out.resolve("360p").resolve(copied.get(i)));
				double[] b = firstFrame(out.resolve("240p").resolve(encoded.get(i)));
				assertThat(Math.abs(a[0] - b[0])).as("%s and %s start at the same instant", copied.get(i), encoded.get(i))
					.isLessThan(1 / 60.0);
				assertThat(a[1]).as("keyframe first in %s exactly when in %s", copied.get(i), encoded.get(i))
					.isEqualTo(b[1]);
				if (lowLatency == null) {
					assertThat(a[1]).as("every segment opens with a keyframe").isEqualTo(1);
				}
				else {
					assertThat(a[1]).as("1 s keyframes: every other part of %s opens with one", copied.get(i))
						.isEqualTo(i % 2 == 0 ? 1 : 0);
				}
			}
		}
	}

	/**
	 * The gate, given a feed from the middle of a GOP in chunks of every size: what passes starts with the video's
	 * next keyframe, with no audio to be played before it, and from there on is the feed byte for byte.
	 */
	@Test
	void theGateStartsAnEncodersInputAtAKeyframeWithNoAudioFromBeforeIt() throws Exception {
		byte[] feed = feed("gate", 4, 30, "ultrafast", "-tune", "zerolatency");
		int from = feed.length / 3 / 188 * 188;
		byte[] passed = gate(feed, from);
		Path file = work.resolve("gated.ts");
		Files.write(file, passed);
		VideoScan scan = VideoScan.of(passed);
		assertThat(scan.keyframes()).isNotEmpty();
		assertThat(scan.keyframes().getFirst()).as("the first frame is a keyframe").isEqualTo(scan.firstPts());
		assertThat(VideoScan.of(java.util.Arrays.copyOfRange(feed, from, feed.length)).firstPts())
			.as("the feed itself resumed mid-GOP")
			.isLessThan(scan.firstPts());
		Process probe = new ProcessBuilder(tools.ffprobePath().toString(), "-v", "error", "-show_entries",
				"packet=codec_type,pts", "-of", "csv=p=0", file.toString()).start();
		List<String> packets = new String(probe.getInputStream().readAllBytes()).lines().toList();
		probe.waitFor();
		long firstVideo = packets.stream().filter(l -> l.startsWith("video")).map(l -> Long.parseLong(l.split(",")[1]))
			.findFirst().orElseThrow();
		List<Long> audio = packets.stream().filter(l -> l.startsWith("audio")).map(l -> Long.parseLong(l.split(",")[1]))
			.toList();
		assertThat(audio).isNotEmpty().allSatisfy(pts -> assertThat(pts).isGreaterThanOrEqualTo(firstVideo));
		assertThat(firstVideo).isEqualTo(scan.firstPts());
		byte[] tail = java.util.Arrays.copyOfRange(feed, feed.length - 188 * 1000, feed.length);
		assertThat(java.util.Arrays.copyOfRange(passed, passed.length - tail.length, passed.length))
			.as("once through, every byte passes").isEqualTo(tail);
		assertThat(gate(feed, 0)).as("a feed that starts with a keyframe loses only its early audio")
			.hasSizeLessThan(feed.length).hasSizeGreaterThan(feed.length - 188 * 20);
	}

	/** The feed from {@code from} through a new gate, in chunks of 1 to 4,000 bytes. */
	private static byte[] gate(byte[] feed, int from) {
		KeyframeGate gate = new KeyframeGate();
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
		java.util.Random sizes = new java.util.Random(7);
		for (int at = from; at < feed.length;) {
			int n = Math.min(feed.length - at, 1 + sizes.nextInt(4000));
			byte[] chunk = java.util.Arrays.copyOfRange(feed, at, at + n);
			out.writeBytes(gate.filter(chunk, n));
			at += n;
		}
		return out.toByteArray();
	}

	static LiveSettings settings() {
		return new LiveSettings(19350, "http://localhost:19350",
				new LiveSettings.Rtmp(false, "/usr/sbin/nginx", "/m.so", 19351, "rtmp://localhost:19351/live"),
				new LiveSettings.Srt(false, "libsrt.so.1.5", 19352, "srt://localhost:19352"), LADDER, "ultrafast", 2, 6,
				Duration.ofSeconds(5), Duration.ofSeconds(10), 5, "process",
				new LiveSettings.Ecs(null, null, "keyframe", List.of(), List.of(), false, null), "127.0.0.1", 0, null,
				Duration.ofSeconds(5), Duration.ofSeconds(90), new LiveSettings.Transcoder(null, 0, "A"), true,
				new LiveSettings.Failover(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(15),
						Duration.ofSeconds(10)));
	}

	/** A 640x360 30 fps feed with a tone, as MPEG-TS, keyframes every {@code gop} frames. */
	private static byte[] feed(String name, int seconds, int gop, String preset, String... extra) throws Exception {
		Path file = work.resolve(name + ".ts");
		List<String> args = new ArrayList<>(List.of(tools.ffmpegPath().toString(), "-hide_banner", "-nostdin",
				"-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i",
				"sine=frequency=440:sample_rate=48000", "-t", String.valueOf(seconds), "-c:v", "libx264", "-preset",
				preset, "-g", String.valueOf(gop), "-keyint_min", String.valueOf(gop), "-sc_threshold", "0",
				"-pix_fmt", "yuv420p"));
		args.addAll(List.of(extra));
		args.addAll(List.of("-c:a", "aac", "-f", "mpegts", file.toString()));
		Process ffmpeg = new ProcessBuilder(args).redirectErrorStream(true).start();
		String log = new String(ffmpeg.getInputStream().readAllBytes());
		assertThat(ffmpeg.waitFor()).as(log).isZero();
		return Files.readAllBytes(file);
	}

	static void run(List<String> command, byte[] feed, Path out) throws Exception {
		Process ffmpeg = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(out.resolve("ffmpeg.log").toFile())
			.start();
		try (OutputStream in = ffmpeg.getOutputStream()) {
			in.write(feed);
		}
		assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(ffmpeg.exitValue()).as(Files.readString(out.resolve("ffmpeg.log"))).isZero();
	}

	static List<String> files(Path playlist) throws IOException {
		return Files.readAllLines(playlist).stream().filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
	}

	private static List<String> durations(Path playlist) throws IOException {
		return Files.readAllLines(playlist).stream().filter(line -> line.startsWith("#EXTINF")).toList();
	}

	/** The first video frame's presentation time, and 1 if it is a keyframe. */
	private static double[] firstFrame(Path segment) throws Exception {
		Process probe = new ProcessBuilder(tools.ffprobePath().toString(), "-v", "error", "-select_streams", "v",
				"-read_intervals", "%+#1", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", segment.toString())
			.start();
		String first = new String(probe.getInputStream().readAllBytes()).strip().lines().findFirst().orElse("");
		probe.waitFor();
		Matcher m = Pattern.compile("([0-9.]+),(K?)").matcher(first);
		assertThat(m.find()).as("a video frame in %s: %s", segment, first).isTrue();
		return new double[] { Double.parseDouble(m.group(1)), m.group(2).isEmpty() ? 0 : 1 };
	}

}
