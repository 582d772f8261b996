package dev.keyframe.catalog;

/** An asset and its objects were deleted; whatever other modules keep for it can go too. */
public record AssetDeleted(AssetId asset) {
}
