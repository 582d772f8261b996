package dev.keyframe.transcode.internal;

import java.util.ArrayList;
import java.util.List;

/** The segments of a VOD media playlist, read from its text. */
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

	public record Segment(String uri, double duration) {
	}

}
