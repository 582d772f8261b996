package dev.keyframe.catalog;

import org.jspecify.annotations.Nullable;

/**
 * What is known of an asset when its upload starts.
 *
 * @param createdBy who started the upload: until it is finished only they (and admins) see the asset
 */
public record NewAsset(String title, String originalFilename, @Nullable String contentType, long size,
		@Nullable String createdBy) {

	/** An asset no one in particular started: every editor sees it from the start. */
	public NewAsset(String title, String originalFilename, @Nullable String contentType, long size) {
		this(title, originalFilename, contentType, size, null);
	}

}
