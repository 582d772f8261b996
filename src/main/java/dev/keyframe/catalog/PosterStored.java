package dev.keyframe.catalog;

/** The asset's poster image is stored under {@code key}; if the asset is gone meanwhile, the object goes too. */
public record PosterStored(AssetId asset, String key) {
}
