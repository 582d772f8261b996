package dev.keyframe.platform;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * How a rendition's segments are packaged: the one place that knows a segment's file name, content type, the init
 * segment, the media playlist lines that go with them and the muxer options that make them. Every VOD writer (the
 * encoder, the playlist writer, downloads, captions' timestamp map) asks its rendition's packaging instead of
 * assuming one; see docs/adr/0024.
 * <ul>
 * <li>{@link #CMAF}, the default for new assets: fragmented MP4 segments ({@code seg_00042.m4s}) after one init
 * segment ({@code init.mp4}, {@code EXT-X-MAP}), which HLS and DASH players read alike, and which carry HEVC and
 * AV1 as well as H.264.</li>
 * <li>{@link #TS}: MPEG-TS segments ({@code seg_00042.ts}), for players that read nothing else, and what every
 * asset made before CMAF has.</li>
 * </ul>
 */
public enum Packaging {

	TS("ts", MediaTypes.MPEG_TS, null, 3, 0),

	/**
	 * Its timeline starts {@link #timelineOrigin()} seconds on: no chunk's first decode timestamp (a B-frame delay and
	 * the AAC priming before the first picture) is ever negative, so ffmpeg's MP4 muxer shifts none of them and the
	 * chunks of a rendition, encoded apart, join on one clock with identical init segments. MPEG-TS gets the same
	 * from ffmpeg's own 1.4 s mux delay.
	 */
	CMAF("m4s", MediaTypes.CMAF_SEGMENT, "init.mp4", 7, 10);

	private static final Pattern MAP = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"");

	private static final Pattern SEGMENT = Pattern.compile("^seg_(\\d{5,9})\\.(ts|m4s)$");

	private final String extension;

	private final String segmentType;

	private final @Nullable String init;

	private final int playlistVersion;

	private final double timelineOrigin;

	Packaging(String extension, String segmentType, @Nullable String init, int playlistVersion, double timelineOrigin) {
		this.extension = extension;
		this.segmentType = segmentType;
		this.init = init;
		this.playlistVersion = playlistVersion;
		this.timelineOrigin = timelineOrigin;
	}

	/** A segment's object name in its rendition: {@code seg_00042.m4s}. */
	public String segmentName(int number) {
		return String.format(Locale.ROOT, "seg_%05d.%s", number, extension);
	}

	/** The ffmpeg pattern of the segment files: {@code seg_%05d.m4s}. */
	public String segmentPattern() {
		return "seg_%05d." + extension;
	}

	/** The segments' names as a DASH {@code SegmentTemplate} gives them: {@code seg_$Number%05d$.m4s}. */
	public String segmentTemplate() {
		return "seg_$Number%05d$." + extension;
	}

	/** Whether the file is a finished segment of this packaging (ffmpeg writes them under a temporary name first). */
	public boolean isSegment(String fileName) {
		return fileName.endsWith("." + extension) && SEGMENT.matcher(fileName).matches();
	}

	/** The content type a segment is stored with. */
	public String segmentType() {
		return segmentType;
	}

	/** The init segment's name in the rendition ({@code init.mp4}), or null where segments need none. */
	public @Nullable String init() {
		return init;
	}

	/** The content type of the init segment: an MP4 of the rendition's kind. */
	public String initType(boolean video) {
		return video ? MediaTypes.MP4_VIDEO : MediaTypes.MP4_AUDIO;
	}

	/**
	 * Whether ffmpeg's muxer moves an output that starts before 0 to 0, as it does the AAC encoder's priming packet
	 * in MPEG-TS. CMAF's origin keeps every timestamp positive, so nothing is moved: an audio rendition is placed
	 * after its priming itself, as one encoder of picture and sound places both.
	 */
	public boolean shiftsNegativeStart() {
		return this == TS;
	}

	/** Seconds added to every timestamp of an encode, on top of where its chunk starts. */
	public double timelineOrigin() {
		return timelineOrigin;
	}

	/**
	 * The media playlist's lines after {@code #EXTM3U}: its version and, for CMAF, the init segment
	 * ({@code EXT-X-MAP} needs version 6; 7 is what ffmpeg and Apple's tools write).
	 */
	public String versionLine() {
		return "#EXT-X-VERSION:" + playlistVersion + "\n";
	}

	/** The {@code EXT-X-MAP} line before the first segment, or nothing. */
	public String mapLine() {
		return init == null ? "" : "#EXT-X-MAP:URI=\"" + init + "\"\n";
	}

	/** The hls muxer's options that make this packaging's segments. */
	public List<String> hlsMuxerArguments() {
		return switch (this) {
			case TS -> List.of("-hls_segment_type", "mpegts");
			// frag_discont: each fragment's decode time is its own timestamp, not re-based to the encode's first, so
			// a chunk encoded apart starts where the chunk before it ends, and every chunk writes the same init
			case CMAF -> List.of("-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", init,
					"-hls_segment_options", "movflags=+frag_discont");
		};
	}

	/**
	 * The bytes of a segment to append to the one before, so that the two play as one: MPEG-TS packets follow each
	 * other as they are; a CMAF segment's fragments (moof and mdat) follow the other's, its own leading segment type
	 * and index boxes ({@code styp}, {@code sidx}) dropped, as a segment has them once, at its start.
	 */
	public byte[] continuation(byte[] segment) {
		if (this == TS) {
			return segment;
		}
		int at = 0;
		while (at + 8 <= segment.length) {
			long size = java.nio.ByteBuffer.wrap(segment, at, 4).getInt() & 0xFFFF_FFFFL;
			String type = new String(segment, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
			if (!type.equals("styp") && !type.equals("sidx") || size < 8 || at + size > segment.length) {
				break;
			}
			at += (int) size;
		}
		return java.util.Arrays.copyOfRange(segment, at, segment.length);
	}

	/** The packaging a media playlist's text says: CMAF where it names an init segment. */
	public static Packaging of(String mediaPlaylist) {
		return initUri(mediaPlaylist) == null ? TS : CMAF;
	}

	/** The init segment a media playlist names ({@code EXT-X-MAP}), or null. */
	public static @Nullable String initUri(String mediaPlaylist) {
		Matcher map = MAP.matcher(mediaPlaylist);
		return map.find() ? map.group(1) : null;
	}

	/**
	 * What ffmpeg opens to read one segment on its own: the segment, or for a fragmented MP4 one its init segment
	 * and then it, joined by the {@code concat} protocol (paths or URLs, which never hold a {@code |}).
	 */
	public static String readable(String segment, @Nullable String init) {
		return init == null ? segment : "concat:" + init + "|" + segment;
	}

}
