package dev.keyframe.catalog;

/**
 * Turns a media object's key into the URL a browser loads it from. Implemented by playback, which signs it for
 * the CDN: the catalog shows posters without knowing how delivery works.
 */
public interface MediaLinks {

	/** A URL for one object under {@code media/}, valid for at least the playback grant's life. */
	String objectUrl(String mediaKey);

}
