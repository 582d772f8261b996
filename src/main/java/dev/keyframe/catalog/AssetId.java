package dev.keyframe.catalog;

import java.util.UUID;

/** Identifies an asset everywhere: in URLs, events, storage keys and other modules' tables. */
public record AssetId(UUID value) {

	public static AssetId random() {
		return new AssetId(UUID.randomUUID());
	}

	public static AssetId of(String text) {
		return new AssetId(UUID.fromString(text));
	}

	@Override
	public String toString() {
		return value.toString();
	}

}
