package dev.keyframe.platform;

/**
 * The content types of the objects Keyframe publishes, named once: every writer of a playlist, segment or text
 * track stores its objects with one of these, so the CDN and players see the same type whichever module wrote them.
 * The cache headers that go with them are {@link ObjectStorage#IMMUTABLE} (segments, never rewritten) and
 * {@link ObjectStorage#SHORT_LIVED} (playlists).
 */
public final class MediaTypes {

	/** An HLS playlist, master or media (RFC 8216). */
	public static final String HLS_PLAYLIST = "application/vnd.apple.mpegurl";

	/** An MPEG transport stream segment. */
	public static final String MPEG_TS = "video/mp2t";

	/** A WebVTT file or segment (captions and subtitles). */
	public static final String WEBVTT = "text/vtt; charset=utf-8";

	private MediaTypes() {
	}

}
