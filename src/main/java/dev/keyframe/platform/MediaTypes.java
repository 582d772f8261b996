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

	/** A DASH media presentation description (ISO/IEC 23009-1). */
	public static final String DASH_MANIFEST = "application/dash+xml";

	/** An MPEG transport stream segment. */
	public static final String MPEG_TS = "video/mp2t";

	/** A CMAF (fragmented MP4) media segment (RFC 8216, ISO/IEC 23000-19). */
	public static final String CMAF_SEGMENT = "video/iso.segment";

	/** An MP4 file or init segment with a picture. */
	public static final String MP4_VIDEO = "video/mp4";

	/** An MP4 file or init segment of sound only. */
	public static final String MP4_AUDIO = "audio/mp4";

	/** A WebVTT file or segment (captions and subtitles). */
	public static final String WEBVTT = "text/vtt; charset=utf-8";

	private MediaTypes() {
	}

}
