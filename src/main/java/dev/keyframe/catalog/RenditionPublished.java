package dev.keyframe.catalog;

/**
 * A rendition's objects (segments and its media playlist) are stored, as far as {@link RenditionSpec#complete()}
 * says: the catalog records it and rewrites the asset's master playlist, in the transaction of the publisher. The
 * publisher has checked it fits beside the asset's published renditions (see {@link AssetLookup#renditions}); a
 * rendition of a deleted asset is removed from storage instead.
 */
public record RenditionPublished(AssetId asset, RenditionSpec rendition) {
}
