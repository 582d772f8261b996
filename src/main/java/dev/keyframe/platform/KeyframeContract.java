package dev.keyframe.platform;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The keyframe contract (invariant 4 of the design): all renditions of one asset, and of one live channel, put IDR
 * frames at the same timestamps, so segment N covers the same interval in every rendition and a player switches
 * between them anywhere. Renditions are encoded in separate ffmpeg processes (the first VOD rung on its own, chunks
 * on different workers, a restarted live transcoder), so nothing may depend on what one encoder happens to decide:
 * every video output gets the same constant output frame rate, a fixed GOP with no scene-cut keyframes and closed
 * GOPs, and keyframes forced on every GOP boundary by time. An interlaced source is deinterlaced first, frame for
 * frame, so the frame rate, and with it the GOP, does not change.
 * <p>
 * The VOD encoder and the live transcoder both build their x264 arguments and their avc1 codec strings here; the
 * result is verified after encoding (the segment boundaries of every rendition must agree).
 */
public final class KeyframeContract {

	private KeyframeContract() {
	}

	/**
	 * The video output options that carry the contract:
	 * {@code -r <rate> -fps_mode cfr -g <gop> -keyint_min <gop> -sc_threshold 0 -x264-params scenecut=0:open-gop=0
	 * -force_key_frames expr:gte(t,n_forced*<gopSeconds>[+offset])}, where {@code <gop>} is
	 * {@code gopSeconds} at that rate in frames.
	 * <p>
	 * The offset serves an encode that does not start where the timeline does: a chunk that should begin at a
	 * nominal boundary {@code S} but starts at the first frame at or after it, {@code S'}, with its timestamps from
	 * 0, must force its keyframes where an encode of the whole source would put them: at
	 * {@code n * gopSeconds + (S - S')}. Pass {@code S - S'} (0 or negative, printed with up to 6 decimals); 0 leaves
	 * the term out.
	 *
	 * @param frameRate the output frame rate in ffmpeg's notation ({@code 30000/1001}, {@code 25}), see
	 *        {@link #outputFrameRate}
	 * @param gopSeconds the distance between keyframes, at least 1
	 * @param offsetSeconds where the first keyframe of the timeline falls relative to this encode's start
	 * @throws IllegalArgumentException for a GOP under 1 s, a rate that is not a positive number, or an offset that
	 *         is not finite
	 */
	public static List<String> videoArguments(String frameRate, int gopSeconds, double offsetSeconds) {
		if (gopSeconds < 1) {
			throw new IllegalArgumentException("A GOP is at least 1 s, not " + gopSeconds);
		}
		double fps = MediaInfo.Video.fps(frameRate);
		if (fps <= 0) {
			throw new IllegalArgumentException("Not a frame rate: " + frameRate);
		}
		if (!Double.isFinite(offsetSeconds)) {
			throw new IllegalArgumentException("Not an offset: " + offsetSeconds);
		}
		String gop = String.valueOf(Math.max(1, Math.round(fps * gopSeconds)));
		return List.of("-r", frameRate, "-fps_mode", "cfr", "-g", gop, "-keyint_min", gop, "-sc_threshold", "0",
				"-x264-params", "scenecut=0:open-gop=0", "-force_key_frames",
				"expr:gte(t,n_forced*" + gopSeconds + offset(offsetSeconds) + ")");
	}

	/**
	 * The contract when another rendition is the source itself, copied: keyframes on exactly the frames the source
	 * has them ({@code -force_key_frames source}), frames and their timestamps as they come (no rate conversion,
	 * which can repeat a frame and shift the ones after it), and no keyframe of the encoder's own choosing: its
	 * maximum interval is twice the segment, and the source has one at least every segment.
	 *
	 * @param fps the source's frame rate
	 * @param gopSeconds the longest the source goes between keyframes
	 */
	public static List<String> sourceKeyframeArguments(double fps, int gopSeconds) {
		if (gopSeconds < 1 || !(fps > 0)) {
			throw new IllegalArgumentException("Not a frame rate and GOP: " + fps + ", " + gopSeconds);
		}
		String gop = String.valueOf(Math.max(2, Math.round(fps * gopSeconds * 2)));
		return List.of("-fps_mode", "passthrough", "-g", gop, "-keyint_min", "1", "-sc_threshold", "0",
				"-x264-params", "scenecut=0:open-gop=0", "-force_key_frames", "source");
	}

	/** {@code +0.5}, {@code -0.026667}; empty for 0 (and for what rounds to 0 at 6 decimals). */
	private static String offset(double seconds) {
		BigDecimal rounded = BigDecimal.valueOf(seconds).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
		if (rounded.signum() == 0) {
			return "";
		}
		String text = rounded.toPlainString();
		return rounded.signum() > 0 ? "+" + text : text;
	}

	/**
	 * The output frame rate of every rendition of a source: the source's own, unless unknown or above 60 fps, then
	 * 30. An interlaced source keeps its frame rate (one frame per two fields, see {@link #deinterlace}).
	 */
	public static String outputFrameRate(MediaInfo.Video video) {
		return video.fps() > 0 && video.fps() <= 60.5 ? video.frameRate() : "30";
	}

	/**
	 * The filter that makes an interlaced source progressive before it is scaled, or empty for a progressive one:
	 * bwdif, one frame out per frame in (so the output frame rate and the GOP stay as they are), every frame
	 * deinterlaced, with the field order ffprobe reported ({@code tt}, {@code tb}: top field first; {@code bb},
	 * {@code bt}: bottom field first, see {@link MediaInfo.Video#topFieldFirst()}). The filter goes first in the
	 * chain, before any split or scale: {@code [0:v]bwdif=...,split=N...}.
	 */
	public static Optional<String> deinterlace(MediaInfo.Video video) {
		if (!video.interlaced()) {
			return Optional.empty();
		}
		return Optional.of("bwdif=mode=send_frame:parity=" + (video.topFieldFirst() ? "tff" : "bff") + ":deint=all");
	}

	/**
	 * The avc1 codec string (RFC 6381) of an H.264 stream from what ffprobe says of it: its profile name
	 * ({@code High}, {@code Main}, {@code Constrained Baseline}, ...) and {@code level_idc} ({@code 31} for 3.1) as
	 * the last two hex digits. An unknown profile reads as Baseline, an unknown level as 4.0.
	 */
	public static String avc1(@Nullable String profile, @Nullable Integer level) {
		String p = profile == null ? "" : profile.toLowerCase(Locale.ROOT);
		String prefix = p.contains("high") ? "6400" : p.contains("main") ? "4d40" : p.contains("constrained") ? "42e0"
				: "4200";
		return "avc1." + prefix + levelHex(level);
	}

	/**
	 * The avc1 codec string of what x264 makes when asked for {@code profile} at {@code level} with {@code preset},
	 * for a playlist written before the stream exists (live). x264's {@code ultrafast} preset turns off CABAC and
	 * B-frames, so whatever profile is asked for it makes Constrained Baseline, which x264 signals as profile 66
	 * with constraint_set0 and constraint_set1 ({@code avc1.42c0..}); otherwise as {@link #avc1}.
	 *
	 * @param level {@code level_idc}: {@code 31} for level 3.1
	 */
	public static String x264Avc1(String profile, String preset, int level) {
		return "ultrafast".equals(preset) ? "avc1.42c0" + levelHex(level) : avc1(profile, level);
	}

	private static String levelHex(@Nullable Integer level) {
		return String.format(Locale.ROOT, "%02x", level == null || level <= 0 ? 40 : level);
	}

}
