package dev.keyframe.transcode.internal;

import java.util.ArrayList;
import java.util.List;

import dev.keyframe.platform.Packaging;

/**
 * The segments of a media playlist: read from ffmpeg's, and written for a rendition from the segments its chunks
 * have stored.
 */
public record HlsPlaylist(List<Segment> segments) {

	public static HlsPlaylist parse(String text) {
		List<Segment> segments = new ArrayList<>();
		Double duration = null;
		for (String raw : text.split("\\R")) {
			String line = raw.strip();
			if (line.startsWith("#EXTINF:")) {
				String value = line.substring("#EXTINF:".length());
				int comma = value.indexOf(',');
				duration = Double.parseDouble(comma >= 0 ? value.substring(0, comma) : value);
			}
			else if (!line.isEmpty() && !line.startsWith("#")) {
				if (duration == null) {
					throw new IllegalArgumentException("Segment " + line + " has no #EXTINF");
				}
				segments.add(new Segment(line, duration));
				duration = null;
			}
		}
		if (segments.isEmpty()) {
			throw new IllegalArgumentException("The playlist lists no segment");
		}
		return new HlsPlaylist(List.copyOf(segments));
	}

	/** Where each segment starts, in seconds from the first. */
	public List<Double> boundaries() {
		List<Double> starts = new ArrayList<>(segments.size());
		double at = 0;
		for (Segment segment : segments) {
			starts.add(at);
			at += segment.duration();
		}
		return starts;
	}

	public double duration() {
		return segments.stream().mapToDouble(Segment::duration).sum();
	}

	/**
	 * A rendition's playlist of segments 0..n-1: while it grows an {@code EVENT} playlist that starts players at its
	 * beginning (they reload it and never run past its end), once complete a {@code VOD} playlist with
	 * {@code ENDLIST}. The target duration is the segment length unless a segment rounds above it, so it does not
	 * change while the playlist grows. The segments' names and the init segment are the packaging's.
	 */
	public static String write(List<Double> durations, int segmentSeconds, boolean complete, Packaging packaging) {
		long target = Math.max(segmentSeconds, durations.stream().mapToLong(Math::round).max().orElse(0));
		StringBuilder out = new StringBuilder("#EXTM3U\n").append(packaging.versionLine())
			.append("#EXT-X-TARGETDURATION:")
			.append(target)
			.append("\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:")
			.append(complete ? "VOD" : "EVENT")
			.append("\n#EXT-X-INDEPENDENT-SEGMENTS\n");
		if (!complete) {
			out.append("#EXT-X-START:TIME-OFFSET=0\n");
		}
		out.append(packaging.mapLine());
		for (int i = 0; i < durations.size(); i++) {
			out.append(String.format(java.util.Locale.ROOT, "#EXTINF:%.6f,%n", durations.get(i)).replace("\r", ""))
				.append(packaging.segmentName(i))
				.append('\n');
		}
		if (complete) {
			out.append("#EXT-X-ENDLIST\n");
		}
		return out.toString();
	}

	public record Segment(String uri, double duration) {
	}

}
