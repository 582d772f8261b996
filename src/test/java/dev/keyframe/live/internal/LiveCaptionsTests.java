package dev.keyframe.live.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.TestMediaTools;

/**
 * CEA-608 captions in a feed's video (A/53 user data, as broadcast encoders send them) reach every rendition the
 * transcoder makes, whole, whatever the feed's frame rate: the transcoder's own command line run on a 60 fps and a
 * 25 fps feed whose captions were written into the H.264 stream here, read back from the renditions' segments with
 * ffmpeg's caption decoder.
 */
class LiveCaptionsTests {

	private static final String TEXT = "HELLO KEYFRAME";

	@TempDir
	static Path work;

	static MediaTools tools;

	@BeforeAll
	static void tools() {
		tools = TestMediaTools.in(work, "captions-test");
	}

	@Test
	void captionsInASixtyAndATwentyFiveFrameFeedReachEveryRenditionWhole() throws Exception {
		for (int fps : new int[] { 60, 25 }) {
			byte[] feed = feed(fps);
			assertThat(captions(Files.write(work.resolve("feed-" + fps + ".ts"), feed))).as("the feed itself")
				.contains(TEXT);
			Path out = Files.createDirectories(work.resolve("ladder-" + fps));
			MediaInfo info = new MediaInfo(6_000, "mpegts", 0,
					new MediaInfo.Video(320, 240, "h264", fps + "/1", fps, "progressive"), null);
			List<String> command = LiveCommand.command(tools.ffmpegPath(),
					List.of(new dev.keyframe.platform.Rung("240p", 240, 400, 64),
							new dev.keyframe.platform.Rung("144p", 144, 200, 64)),
					info, PassthroughTests.settings(), 60, out);
			PassthroughTests.run(command, feed, out);
			for (String rendition : List.of("240p", "144p")) {
				ByteArrayOutputStream joined = new ByteArrayOutputStream();
				for (String segment : PassthroughTests.files(out.resolve(rendition).resolve("index.m3u8"))) {
					joined.writeBytes(Files.readAllBytes(out.resolve(rendition).resolve(segment)));
				}
				Path file = Files.write(work.resolve(fps + "-" + rendition + ".ts"), joined.toByteArray());
				List<String> cues = captions(file);
				assertThat(cues).as("%s of the %d fps feed", rendition, fps).hasSizeGreaterThanOrEqualTo(2)
					.allSatisfy(cue -> assertThat(cue).isEqualTo(TEXT));
			}
		}
	}

	/** The text of each caption in the file's video, as ffmpeg's CEA-608 decoder reads it. */
	private static List<String> captions(Path file) throws Exception {
		Path srt = work.resolve(file.getFileName() + ".srt");
		Process ffmpeg = new ProcessBuilder(tools.ffmpegPath().toString(), "-hide_banner", "-nostdin", "-loglevel",
				"error", "-y", "-f", "lavfi", "-i", "movie=" + file + "[out0+subcc]", "-map", "0:s", "-c:s", "srt",
				srt.toString()).redirectErrorStream(true).start();
		String log = new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(ffmpeg.waitFor()).as(log).isZero();
		return Files.readAllLines(srt).stream()
			.filter(line -> line.contains("</font>"))
			.map(line -> line.replaceAll("<[^>]+>", "").replaceAll("\\{[^}]*\\}", "").strip())
			.toList();
	}

	/**
	 * Six seconds of 320x240 video at {@code fps} with a pop-on caption every two seconds: x264's Annex B stream with
	 * an SEI of CEA-608 byte pairs (one pair per frame, field 1) before each picture, muxed into MPEG-TS.
	 */
	private static byte[] feed(int fps) throws Exception {
		Path raw = work.resolve("raw-" + fps + ".h264");
		exec(tools.ffmpegPath().toString(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
				"testsrc2=size=320x240:rate=" + fps, "-t", "6", "-c:v", "libx264", "-preset", "ultrafast",
				"-x264-params", "slices=1", "-bf", "0", "-g", String.valueOf(fps), "-f", "h264", raw.toString());
		Path captioned = Files.write(work.resolve("cc-" + fps + ".h264"), withCaptions(Files.readAllBytes(raw), fps));
		Path ts = work.resolve("cc-" + fps + ".ts");
		exec(tools.ffmpegPath().toString(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-r",
				String.valueOf(fps), "-i", captioned.toString(), "-c", "copy", "-f", "mpegts", ts.toString());
		return Files.readAllBytes(ts);
	}

	private static void exec(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor()).as(log).isZero();
	}

	/** The stream with a caption SEI before every picture (one slice each): the caption's pairs, then padding. */
	static byte[] withCaptions(byte[] annexB, int fps) {
		List<int[]> caption = pairs(TEXT);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int frame = 0;
		for (byte[] nal : nals(annexB)) {
			int type = nal[0] & 0x1f;
			if (type == 1 || type == 5) {
				int at = frame % (2 * fps);
				int[] pair = at < caption.size() ? caption.get(at) : new int[] { 0x80, 0x80 };
				out.writeBytes(new byte[] { 0, 0, 0, 1 });
				out.writeBytes(sei(pair[0], pair[1]));
				frame++;
			}
			out.writeBytes(new byte[] { 0, 0, 0, 1 });
			out.writeBytes(nal);
		}
		return out.toByteArray();
	}

	/** A pop-on caption at the bottom row: resume caption loading, erase memory, position, the text, end of caption. */
	private static List<int[]> pairs(String text) {
		List<int[]> pairs = new ArrayList<>();
		for (int[] control : new int[][] { { 0x14, 0x20 }, { 0x14, 0x2E }, { 0x14, 0x70 } }) {
			pairs.add(new int[] { parity(control[0]), parity(control[1]) });
			pairs.add(new int[] { parity(control[0]), parity(control[1]) }); // control codes are sent twice
		}
		String even = text.length() % 2 == 0 ? text : text + " ";
		for (int i = 0; i < even.length(); i += 2) {
			pairs.add(new int[] { parity(even.charAt(i)), parity(even.charAt(i + 1)) });
		}
		pairs.add(new int[] { parity(0x14), parity(0x2F) });
		pairs.add(new int[] { parity(0x14), parity(0x2F) });
		return pairs;
	}

	/** CEA-608 bytes carry odd parity in their top bit. */
	private static int parity(int b) {
		int low = b & 0x7f;
		return Integer.bitCount(low) % 2 == 0 ? low | 0x80 : low;
	}

	/** An SEI NAL unit: user data registered by ITU-T T.35, ATSC A/53 ("GA94"), one cc_data pair. */
	private static byte[] sei(int b1, int b2) {
		byte[] payload = { (byte) 0xB5, 0x00, 0x31, 'G', 'A', '9', '4', 0x03, 0x41, (byte) 0xFF, (byte) 0xFC,
				(byte) b1, (byte) b2, (byte) 0xFF };
		ByteArrayOutputStream rbsp = new ByteArrayOutputStream();
		rbsp.write(4); // payload type: user_data_registered_itu_t_t35
		rbsp.write(payload.length);
		rbsp.writeBytes(payload);
		rbsp.write(0x80); // rbsp trailing bits
		ByteArrayOutputStream nal = new ByteArrayOutputStream();
		nal.write(0x06);
		int zeros = 0;
		for (byte b : rbsp.toByteArray()) {
			if (zeros >= 2 && (b & 0xff) <= 3) {
				nal.write(3); // emulation prevention
				zeros = 0;
			}
			nal.write(b);
			zeros = b == 0 ? zeros + 1 : 0;
		}
		return nal.toByteArray();
	}

	/** The NAL units of an Annex B stream, without their start codes. */
	private static List<byte[]> nals(byte[] data) {
		List<Integer> starts = new ArrayList<>();
		for (int i = 0; i + 2 < data.length; i++) {
			if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
				starts.add(i + 3);
				i += 2;
			}
		}
		List<byte[]> nals = new ArrayList<>();
		for (int k = 0; k < starts.size(); k++) {
			int end = k + 1 < starts.size() ? starts.get(k + 1) - 3 : data.length;
			while (k + 1 < starts.size() && end > starts.get(k) && data[end - 1] == 0) {
				end--; // the next start code's leading zero
			}
			nals.add(java.util.Arrays.copyOfRange(data, starts.get(k), end));
		}
		return nals;
	}

}
