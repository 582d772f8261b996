package dev.keyframe.catalog;

import org.springframework.http.HttpStatus;

import dev.keyframe.platform.Problem;

public class AssetNotFound extends Problem {

	public AssetNotFound(AssetId id) {
		super(HttpStatus.NOT_FOUND, "There is no asset " + id + ".");
	}

}
