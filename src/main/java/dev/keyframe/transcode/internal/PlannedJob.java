package dev.keyframe.transcode.internal;

import dev.keyframe.catalog.RenditionKind;

/**
 * A rendition to make. {@code group} says which jobs of an asset share one ffmpeg process (one decode).
 */
public record PlannedJob(String profile, RenditionKind kind, int shortSide, int videoKbps, int audioKbps,
		int group) {
}
