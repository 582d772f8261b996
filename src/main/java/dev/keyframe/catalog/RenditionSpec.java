package dev.keyframe.catalog;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.keyframe.platform.Packaging;

/**
 * A rendition whose listed objects are all stored: what a master playlist needs to list it, and its segment
 * boundaries (seconds from the start, one per segment) for keyframe-alignment checks.
 *
 * @param complete every segment is stored and its playlist is a finished VOD playlist; false while it grows
 * (its playlist an EVENT playlist of the segments stored so far, see docs/adr/0015)
 * @param audioGroup the profile of the audio rendition this video plays with, or null when its segments carry
 * their own audio (renditions made before audio was encoded once per asset) or the source has none
 * @param packaging how its segments are packaged (named {@code seg_NNNNN.m4s} after an {@code init.mp4} for CMAF)
 * @param duration seconds of all its stored segments together; 0 where not known (published before it was kept)
 */
public record RenditionSpec(String profile, RenditionKind kind, int width, int height, long bandwidth,
		long averageBandwidth, String codecs, @Nullable String frameRate, String playlistKey, int segmentCount,
		long totalBytes, List<Double> boundaries, boolean complete, @Nullable String audioGroup, Packaging packaging,
		double duration) {

	/** A rendition of MPEG-TS segments whose length is not known: a live one, or one probed on its own. */
	public RenditionSpec(String profile, RenditionKind kind, int width, int height, long bandwidth,
			long averageBandwidth, String codecs, @Nullable String frameRate, String playlistKey, int segmentCount,
			long totalBytes, List<Double> boundaries, boolean complete, @Nullable String audioGroup) {
		this(profile, kind, width, height, bandwidth, averageBandwidth, codecs, frameRate, playlistKey, segmentCount,
				totalBytes, boundaries, complete, audioGroup, Packaging.TS, 0);
	}

	/** A complete rendition whose segments carry their own audio, if any. */
	public RenditionSpec(String profile, RenditionKind kind, int width, int height, long bandwidth,
			long averageBandwidth, String codecs, @Nullable String frameRate, String playlistKey, int segmentCount,
			long totalBytes, List<Double> boundaries) {
		this(profile, kind, width, height, bandwidth, averageBandwidth, codecs, frameRate, playlistKey, segmentCount,
				totalBytes, boundaries, true, null);
	}

}
