package dev.keyframe.catalog;

import dev.keyframe.platform.MediaInfo;

/** An asset's source object and what ffprobe found in it. */
public record AssetSource(String key, MediaInfo media) {
}
