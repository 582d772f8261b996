package dev.keyframe.playback.edge;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The edge's circuit breaker for live playlists: when the origin fails, or a live playlist's newest media is older
 * than the alarm, the edge answers with a "back soon" playlist instead of a 5xx or a frozen copy. It is the last
 * playlist the edge had, continued in real time with slate segments (a still picture and silence, each after a
 * discontinuity), so players keep playing and polling at their usual pace instead of retrying a dying origin, and
 * the numbering goes on where the real playlist left it. When the origin answers with a fresh playlist again, that
 * is what players get.
 * <p>
 * Only live media playlists are continued: no {@code EXT-X-ENDLIST}, no {@code EXT-X-PLAYLIST-TYPE}, and a
 * program date time to tell their age by. The low-latency tags (parts, preload hint, rendition reports, server
 * control) are left out of it: the slate has no parts, and a player without {@code CAN-BLOCK-RELOAD} stops
 * asking to be held.
 */
final class BackSoon {

	/** The slate segments' names: {@code _back-soon_2000.ts} lasts 2000 ms. No publisher writes such a name. */
	static final Pattern SLATE = Pattern.compile("/_back-soon_([0-9]{3,5})\\.ts$");

	/** How long players and caches may keep a "back soon" playlist: a second, as a live playlist's own. */
	static final String CACHE_CONTROL = "public, max-age=1";

	/** The shortest and longest slate segments made (the real playlist's segment length, within these). */
	static final int MIN_MILLIS = 1000;

	static final int MAX_MILLIS = 10_000;

	/** The most entries a continued playlist whose window has not slid yet grows to. */
	static final int GROWING_WINDOW = 100;

	private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private static final Pattern EXTINF = Pattern.compile("^#EXTINF:([0-9.]+)");

	/** Tags of low-latency playlists that do not apply to the slate. */
	private static final List<String> LOW_LATENCY = List.of("#EXT-X-PART:", "#EXT-X-PART-INF:", "#EXT-X-PRELOAD-HINT:",
			"#EXT-X-RENDITION-REPORT:", "#EXT-X-SERVER-CONTROL:", "#EXT-X-SKIP:");

	/** One segment of the real playlist: its tags as they were, its URI, length, start, and a break before it. */
	private record Segment(List<String> tags, String uri, double seconds, Instant start, boolean discontinuity) {
	}

	private final List<String> header;

	private final List<Segment> segments;

	private final long mediaSequence;

	private final long discontinuitySequence;

	private final int targetSeconds;

	private BackSoon(List<String> header, List<Segment> segments, long mediaSequence, long discontinuitySequence,
			int targetSeconds) {
		this.header = header;
		this.segments = segments;
		this.mediaSequence = mediaSequence;
		this.discontinuitySequence = discontinuitySequence;
		this.targetSeconds = targetSeconds;
	}

	/**
	 * The playlist as the breaker reads it; null when it is not a live media playlist with dates (a master, a VOD
	 * or event playlist, an ended one, one without segments): those are served as they are.
	 */
	static @Nullable BackSoon read(String playlist) {
		if (!playlist.startsWith("#EXTM3U") || playlist.contains("#EXT-X-ENDLIST")
				|| playlist.contains("#EXT-X-PLAYLIST-TYPE") || playlist.contains("#EXT-X-STREAM-INF")
				|| !playlist.contains("#EXT-X-PROGRAM-DATE-TIME:")) {
			return null;
		}
		List<String> header = new ArrayList<>();
		List<Segment> segments = new ArrayList<>();
		List<String> pending = new ArrayList<>();
		long mediaSequence = 0;
		long discontinuitySequence = 0;
		int target = 0;
		double seconds = -1;
		Instant date = null;
		boolean discontinuity = false;
		Instant next = null;
		try {
			for (String raw : playlist.split("\n")) {
				String line = raw.strip();
				if (line.isEmpty() || LOW_LATENCY.stream().anyMatch(line::startsWith)) {
					continue;
				}
				if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
					mediaSequence = Long.parseLong(line.substring(line.indexOf(':') + 1));
				}
				else if (line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE:")) {
					discontinuitySequence = Long.parseLong(line.substring(line.indexOf(':') + 1));
				}
				else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
					target = Integer.parseInt(line.substring(line.indexOf(':') + 1));
				}
				else if (line.startsWith("#EXTINF:")) {
					Matcher m = EXTINF.matcher(line);
					if (!m.find()) {
						return null;
					}
					seconds = Double.parseDouble(m.group(1));
					pending.add(line);
				}
				else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
					date = OffsetDateTime.parse(line.substring(line.indexOf(':') + 1)).toInstant();
					pending.add(line);
				}
				else if (line.equals("#EXT-X-DISCONTINUITY")) {
					discontinuity = true;
					pending.add(line);
				}
				else if (line.startsWith("#EXTM3U") || segments.isEmpty() && pending.isEmpty() && line.startsWith("#")) {
					header.add(line);
				}
				else if (line.startsWith("#")) {
					pending.add(line);
				}
				else {
					if (seconds < 0) {
						return null;
					}
					Instant start = date != null ? date : next;
					if (start == null) {
						// no date yet: this segment's start is known once a later one has a date
						start = Instant.EPOCH;
					}
					segments.add(new Segment(List.copyOf(pending), line, seconds, start, discontinuity));
					next = start.plusNanos(Math.round(seconds * 1e9));
					pending.clear();
					seconds = -1;
					date = null;
					discontinuity = false;
				}
			}
		}
		catch (NumberFormatException | DateTimeParseException ex) {
			return null;
		}
		if (segments.isEmpty() || target <= 0 || segments.getLast().start().equals(Instant.EPOCH)) {
			return null;
		}
		return new BackSoon(header, segments, mediaSequence, discontinuitySequence, target);
	}

	/** When the newest media in the playlist ends: its program date time plus its length. */
	Instant end() {
		Segment last = segments.getLast();
		return last.start().plusNanos(Math.round(last.seconds() * 1e9));
	}

	/** How old the playlist's newest media is at {@code now} (the channel's manifest age, as the alarm measures it). */
	Duration age(Instant now) {
		return Duration.between(end(), now);
	}

	/** The target duration the real playlist declares, in seconds. */
	int targetSeconds() {
		return targetSeconds;
	}

	/** How long each slate segment lasts: the real playlist's newest segment, to the tenth of a second. */
	int slateMillis() {
		long millis = Math.round(segments.getLast().seconds() * 10) * 100;
		return (int) Math.clamp(millis, MIN_MILLIS, Math.min(MAX_MILLIS, targetSeconds * 1000L));
	}

	/**
	 * The playlist continued to {@code now}: the real segments, then one slate segment per slate length since the
	 * newest real media ended, less one (at least one), each dated where the real timeline would be. A window that
	 * slides keeps its length (the oldest entries slide out, and the discontinuity sequence counts the breaks that
	 * went with them); one that has not slid yet (media sequence 0, a session's first minutes) may still be growing
	 * at the origin, so it grows too, up to {@value #GROWING_WINDOW} entries: either way the real playlist's media
	 * sequence is never behind the slate's when the origin is back.
	 */
	String continued(Instant now) {
		int millis = slateMillis();
		Instant end = end();
		long elapsed = Math.max(0, Duration.between(end, now).toMillis());
		// the slate segments that have ended, less one for the time a real segment takes to be published: when the
		// origin is back, its playlist is then ahead of the slate's, never behind (a media sequence must not go back)
		int slates = (int) Math.min(Math.max(1, elapsed / millis - 1), 10_000);
		int window = mediaSequence > 0 ? segments.size() : Math.max(segments.size(), GROWING_WINDOW);
		int drop = Math.max(0, segments.size() + slates - window);
		long discontinuities = discontinuitySequence;
		for (int i = 0; i < Math.min(drop, segments.size()); i++) {
			if (segments.get(i).discontinuity()) {
				discontinuities++;
			}
		}
		// every slate segment is the same bytes with the same timestamps: each follows a discontinuity
		int droppedSlates = Math.max(0, drop - segments.size());
		discontinuities += droppedSlates;
		StringBuilder out = new StringBuilder();
		for (String line : header) {
			out.append(line).append('\n');
			if (line.startsWith("#EXTM3U")) {
				out.append("#EXT-X-TARGETDURATION:").append(targetSeconds).append('\n')
					.append("#EXT-X-MEDIA-SEQUENCE:").append(mediaSequence + drop).append('\n')
					.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(discontinuities).append('\n');
			}
		}
		for (int i = drop; i < segments.size(); i++) {
			Segment segment = segments.get(i);
			segment.tags().forEach(tag -> out.append(tag).append('\n'));
			out.append(segment.uri()).append('\n');
		}
		String seconds = String.format(Locale.ROOT, "%.3f", millis / 1000.0);
		for (int k = droppedSlates; k < slates; k++) {
			out.append("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:")
				.append(DATE.format(end.plusMillis((long) k * millis)))
				.append("\n#EXTINF:")
				.append(seconds)
				.append(",\n_back-soon_")
				.append(millis)
				.append(".ts\n");
		}
		return out.toString();
	}

}
