package dev.keyframe.transcode.internal;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.platform.Packaging;

/**
 * One chunk of one rendition to make. {@code group} says which jobs of an asset share one ffmpeg process (one
 * decode of the chunk); groups below {@link #BACKGROUND} are the ones a viewer may be waiting on (the asset's
 * audio and its lowest rung), encoded at normal priority and published segment by segment as they are stored.
 *
 * @param chunk the chunk's number, from 0
 * @param startMillis where the chunk starts in the source: a segment boundary
 * @param endMillis where it ends (the next chunk's start), or 0 for the source's end
 * @param packaging how its segments are packaged: every chunk of a rendition alike
 */
public record PlannedJob(String profile, RenditionKind kind, int shortSide, int videoKbps, int audioKbps,
		int group, int chunk, long startMillis, long endMillis, Packaging packaging) {

	/** Encode groups from this number on are encoded in the background, and published once complete. */
	public static final int BACKGROUND = 1000;

	/** A chunk in MPEG-TS segments. */
	public PlannedJob(String profile, RenditionKind kind, int shortSide, int videoKbps, int audioKbps, int group,
			int chunk, long startMillis, long endMillis) {
		this(profile, kind, shortSide, videoKbps, audioKbps, group, chunk, startMillis, endMillis, Packaging.TS);
	}

	/** The whole of a rendition as one chunk, in MPEG-TS segments. */
	public PlannedJob(String profile, RenditionKind kind, int shortSide, int videoKbps, int audioKbps, int group) {
		this(profile, kind, shortSide, videoKbps, audioKbps, group, 0, 0, 0);
	}

	/** The same job, its segments packaged as {@code packaging}. */
	public PlannedJob packagedAs(Packaging packaging) {
		return new PlannedJob(profile, kind, shortSide, videoKbps, audioKbps, group, chunk, startMillis, endMillis,
				packaging);
	}

	/** Encoded at normal priority and published as its segments are stored. */
	public boolean urgent() {
		return group < BACKGROUND;
	}

	/** The chunk runs to the end of the source. */
	public boolean last() {
		return endMillis == 0;
	}

	/** For people: {@code chunk 3 (3:00–4:00)}. */
	public String describeChunk() {
		return "chunk " + chunk + " (" + clock(startMillis) + "\u2013" + (last() ? "end" : clock(endMillis)) + ")";
	}

	private static String clock(long millis) {
		long seconds = millis / 1000;
		return seconds >= 3600 ? String.format(java.util.Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
				: String.format(java.util.Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
	}

}
