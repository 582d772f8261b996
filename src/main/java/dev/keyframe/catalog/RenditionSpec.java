package dev.keyframe.catalog;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A rendition whose objects are all stored: what a master playlist needs to list it, and its segment
 * boundaries (seconds from the start, one per segment) for keyframe-alignment checks.
 */
public record RenditionSpec(String profile, RenditionKind kind, int width, int height, long bandwidth,
		long averageBandwidth, String codecs, @Nullable String frameRate, String playlistKey, int segmentCount,
		long totalBytes, List<Double> boundaries) {
}
