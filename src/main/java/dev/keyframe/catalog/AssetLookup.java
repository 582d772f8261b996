package dev.keyframe.catalog;

import java.util.List;
import java.util.Optional;

/**
 * What the modules that work on an asset may read of it, and nothing they could change it with: changes reach the
 * catalog as events ({@link TranscodeProgressed}, {@link RenditionPublished}, {@link PosterStored}).
 */
public interface AssetLookup {

	/** The asset's source object and what it contains, once uploaded and while it can be read. */
	Optional<AssetSource> source(AssetId id);

	boolean exists(AssetId id);

	/** The asset's published renditions, growing ones included. */
	List<RenditionSpec> renditions(AssetId id);

	/**
	 * Why the asset cannot be transcoded again, if it cannot: its source was deleted or sits in an archive
	 * storage class, or the asset was removed.
	 */
	Optional<String> transcodeBlocker(AssetId id);

}
