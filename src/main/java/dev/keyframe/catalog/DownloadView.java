package dev.keyframe.catalog;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.keyframe.catalog.internal.Asset;

/**
 * Whether an asset can be downloaded, as the API shows it.
 *
 * @param state {@code OFF}; {@code WAITING} for the asset to be ready; {@code MAKING}; {@code READY}; or
 *        {@code FAILED}, with the reason in {@code error} (turn downloads off and on to try again)
 * @param bytes the file's size once made
 */
public record DownloadView(boolean enabled, String state, @Nullable Long bytes, @Nullable Instant madeAt,
		@Nullable String error) {

	static DownloadView of(Asset asset) {
		String state = !asset.downloadsEnabled() ? "OFF" : asset.downloadKey() != null ? "READY"
				: asset.downloadError() != null ? "FAILED" : asset.status() == AssetStatus.READY ? "MAKING" : "WAITING";
		return new DownloadView(asset.downloadsEnabled(), state, asset.downloadBytes(), asset.downloadMadeAt(),
				asset.downloadError());
	}

}
