package dev.keyframe.catalog;

import dev.keyframe.platform.MediaInfo;

/** An asset's source is stored in full and was read as media: renditions can be made from it. */
public record AssetUploaded(AssetId asset, String sourceKey, MediaInfo media) {
}
