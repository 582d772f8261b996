package dev.keyframe.live.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.Rung;

/**
 * Whether a feed's own video can be the ladder's top rung, copied instead of encoded, and if not, why. It can when
 * browsers play it as it is and the other rungs can cut where it cuts:
 * <ul>
 * <li>H.264 in 8-bit 4:2:0 (Baseline, Main or High: what every browser decodes), progressive;</li>
 * <li>at most the ladder's 30 fps: the encoded rungs are then made at the feed's own rate, every frame with its
 * timestamp, so each carries every source keyframe;</li>
 * <li>keyframes at a fixed interval that divides the segment (2 s, 1 s, 0.5 s for 2 s segments): the copied rung
 * can only be cut at its keyframes, and the encoded rungs put theirs on the same frames
 * ({@code -force_key_frames source});</li>
 * <li>for a low-latency channel, no B-frames: with reordering, half-second parts cut by time fall on different
 * frames in the copied rung than in the encoded ones.</li>
 * </ul>
 * The decision is made from the feed's first keyframe intervals ({@link VideoScan}); a feed that changes its
 * encoding later is not re-examined.
 */
sealed interface Passthrough {

	/** Keyframe intervals may differ from the segment's share by this much (a 29.97 fps feed: 2.002 s). */
	double TOLERANCE_SECONDS = 0.05;

	/**
	 * The feed's video is the rung.
	 *
	 * @param rung the copied rung: named by the feed's short side, its bitrate what the feed was seen to use
	 * @param avc1 the codec string from the feed's parameter set
	 * @param detail what the channel page says
	 */
	record On(Rung rung, String avc1, String detail) implements Passthrough {
	}

	/** Every rung is encoded, for this reason (a sentence a broadcaster can act on). */
	record Off(String reason) implements Passthrough {
	}

	/**
	 * The decision for a feed.
	 *
	 * @param ladder the channel's rungs, tallest first
	 * @param enough whether no more of the feed will be seen before the decision (the probe's limit)
	 * @return the decision, or null while the feed's first bytes do not yet show a whole keyframe interval
	 */
	static @Nullable Passthrough decide(MediaInfo.Video video, VideoScan scan, List<Rung> ladder, int segmentSeconds,
			boolean lowLatency, boolean enough) {
		if (!"h264".equals(video.codec())) {
			return new Off("the feed's video is " + video.codec() + "; a copied rung must be H.264.");
		}
		if (video.interlaced()) {
			return new Off("the feed is interlaced; browsers need it deinterlaced, so it is encoded.");
		}
		if (video.fps() > 30.01) {
			String fps = java.math.BigDecimal.valueOf(Math.round(video.fps() * 100) / 100.0)
				.stripTrailingZeros()
				.toPlainString();
			return new Off("the feed is " + fps + " fps; rungs are at most 30 fps, and making them from a faster feed "
					+ "drops frames, keyframes among them. Send 30 fps (or 25, 24) to get one.");
		}
		VideoScan.Sps sps = scan.sps();
		if (sps == null) {
			return enough ? new Off("no H.264 sequence parameter set was found in the feed's first bytes.") : null;
		}
		if (sps.chroma() != 1 || sps.bitDepth() != 8 || !List.of(66, 77, 100).contains(sps.profile())) {
			return new Off("the feed is H.264 " + sps.profileName() + " (" + sps.bitDepth()
					+ "-bit); browsers play Baseline, Main and High, 8-bit 4:2:0.");
		}
		if (lowLatency && scan.reordered()) {
			return new Off("the feed has B-frames; low-latency parts need a feed without them "
					+ "(x264 bframes=0, or OBS's \"zerolatency\" tune).");
		}
		double limit = segmentSeconds + TOLERANCE_SECONDS;
		if (scan.sinceKeyframe() > limit) {
			return new Off(String.format(Locale.ROOT,
					"the feed has no keyframe for more than %d s; a copied rung needs one every %d s (or a "
							+ "whole fraction of it). Set the encoder's keyframe interval to %d s.",
					segmentSeconds, segmentSeconds, segmentSeconds));
		}
		List<Double> intervals = scan.intervals();
		boolean seenSegment = !scan.keyframes().isEmpty()
				&& (scan.lastPts() - scan.keyframes().getFirst()) / 90_000.0 >= segmentSeconds;
		if (intervals.isEmpty() || !seenSegment) {
			return enough ? new Off("the feed's first bytes do not show its keyframe interval.") : null;
		}
		double first = intervals.getFirst();
		for (double interval : intervals) {
			long share = Math.round(segmentSeconds / interval);
			if (share < 1 || Math.abs(share * interval - segmentSeconds) > TOLERANCE_SECONDS * share
					|| Math.abs(interval - first) > TOLERANCE_SECONDS) {
				return new Off(String.format(Locale.ROOT,
						"the feed's keyframes are %s s apart; a copied rung needs them every %d s (or a whole "
								+ "fraction of it), so the other rungs can switch where it does. Set the encoder's "
								+ "keyframe interval to %d s.",
						distinct(intervals), segmentSeconds, segmentSeconds));
			}
		}
		int side = video.shortSide() - video.shortSide() % 2;
		int audioKbps = ladder.isEmpty() ? 128 : ladder.getFirst().audioKbps();
		Rung rung = new Rung(side + "p", side, Math.max(1, scan.kbps()), audioKbps);
		String detail = String.format(Locale.ROOT,
				"The %s rung is the feed's own video, not re-encoded: H.264 %s %s, %dx%d, keyframes every %.2f s, "
						+ "about %d kb/s.",
				rung.name(), sps.profileName(), sps.levelName(), video.width(), video.height(), first, rung.videoKbps());
		return new On(rung, sps.avc1(), detail);
	}

	/** The ladder with the copied rung on top: the rungs shorter than the feed below it. */
	static List<Rung> ladder(On on, List<Rung> chosen) {
		List<Rung> rungs = new ArrayList<>();
		rungs.add(on.rung());
		chosen.stream().filter(r -> r.shortSide() < on.rung().shortSide()).forEach(rungs::add);
		return List.copyOf(rungs);
	}

	private static String distinct(List<Double> intervals) {
		return intervals.stream()
			.map(i -> String.format(Locale.ROOT, "%.2f", i))
			.distinct()
			.limit(4)
			.reduce((a, b) -> a + ", " + b)
			.orElse("");
	}

}
