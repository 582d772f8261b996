package dev.keyframe.catalog;

import org.jspecify.annotations.Nullable;

/** What is known of an asset when its upload starts. */
public record NewAsset(String title, String originalFilename, @Nullable String contentType, long size) {
}
