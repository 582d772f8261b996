package dev.keyframe.catalog;

/**
 * An asset's download is to be made: downloads were turned on for a ready asset, or an asset with downloads on
 * became ready. {@link Downloads} makes it after the commit, on whichever instance handles the event.
 */
public record DownloadWanted(AssetId asset) {
}
