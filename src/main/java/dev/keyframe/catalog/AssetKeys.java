package dev.keyframe.catalog;

/**
 * Where an asset's objects live in the bucket. Sources and media sit under different prefixes, so lifecycle
 * rules and the CDN's origin path can treat them apart. No part of a key comes from user input.
 */
public final class AssetKeys {

	private AssetKeys() {
	}

	public static String source(AssetId asset) {
		return "sources/" + asset + "/source";
	}

	public static String mediaPrefix(AssetId asset) {
		return "media/" + asset + "/";
	}

	public static String master(AssetId asset) {
		return mediaPrefix(asset) + "master.m3u8";
	}

	/** The asset's DASH manifest, beside its master playlist: both list the same renditions by relative URI. */
	public static String dash(AssetId asset) {
		return mediaPrefix(asset) + "manifest.mpd";
	}

	public static String poster(AssetId asset) {
		return mediaPrefix(asset) + "poster.jpg";
	}

	public static String renditionPrefix(AssetId asset, String profile) {
		return mediaPrefix(asset) + profile + "/";
	}

}
