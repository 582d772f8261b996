package dev.keyframe.catalog;

import dev.keyframe.platform.NotFound;

/** There is no such asset, or it is not there for whoever asked (someone else's unfinished upload). */
public class AssetNotFound extends NotFound {

	public AssetNotFound(AssetId id) {
		super("There is no asset " + id + ".");
	}

}
