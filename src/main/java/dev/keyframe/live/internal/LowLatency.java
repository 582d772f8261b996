package dev.keyframe.live.internal;

/**
 * How a low-latency channel cuts its segments: into parts of {@code partSeconds} that players fetch as they are made
 * (LL-HLS), {@code partsPerSegment} of them to a segment. A part is a whole number of frames at the live frame rate
 * (15 at 30 fps), so every rendition's parts start at the same instants, as their segments do.
 */
public record LowLatency(int partsPerSegment, double partSeconds) {

	/** The part length LL-HLS players are tuned for: Apple's guidance is 0.3 to 1 s; hls.js holds back 3 parts. */
	static final double PART_SECONDS = 0.5;

	public LowLatency {
		if (partsPerSegment < 1 || !(partSeconds > 0)) {
			throw new IllegalArgumentException("Not a part layout: " + partsPerSegment + " × " + partSeconds + " s");
		}
	}

	/** Half-second parts for segments of {@code segmentSeconds}. */
	static LowLatency forSegments(int segmentSeconds) {
		return new LowLatency((int) Math.round(segmentSeconds / PART_SECONDS), PART_SECONDS);
	}

	/** How far behind the newest part a player starts: three parts, the least the spec allows is two. */
	double partHoldBack() {
		return 3 * partSeconds;
	}

}
