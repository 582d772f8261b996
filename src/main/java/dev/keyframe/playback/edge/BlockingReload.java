package dev.keyframe.playback.edge;

import org.jspecify.annotations.Nullable;

/**
 * LL-HLS blocking playlist reload (RFC 8216bis, 6.2.5.2): a player asks for a media playlist with
 * {@code _HLS_msn=M} (and optionally {@code _HLS_part=P}) and the server holds the request until the playlist
 * holds segment M (part P of it), or something later, then answers at once. A request too far ahead (beyond the
 * newest segment plus two, or more parts ahead than three seconds of them, the advance part limit) or naming a
 * part without a segment is answered 400.
 *
 * @param msn the media sequence number asked for
 * @param part the part of it asked for; null: the whole segment
 */
record BlockingReload(long msn, @Nullable Integer part) {

	/** What a playlist says to a blocking request. */
	enum Answer {
		/** It holds what was asked for, or the stream ended: send it. */
		READY,
		/** Not yet: look again. */
		WAIT,
		/** It will not hold it soon enough: 400. */
		TOO_FAR
	}

	/** The blocking parameters of a query string; null when it has none. */
	static @Nullable BlockingReload of(@Nullable String query) throws IllegalArgumentException {
		if (query == null) {
			return null;
		}
		String msn = null;
		String part = null;
		for (String pair : query.split("&")) {
			int eq = pair.indexOf('=');
			String name = eq < 0 ? pair : pair.substring(0, eq);
			String value = eq < 0 ? "" : pair.substring(eq + 1);
			if (name.equals("_HLS_msn")) {
				msn = value;
			}
			else if (name.equals("_HLS_part")) {
				part = value;
			}
		}
		if (msn == null) {
			if (part != null) {
				throw new IllegalArgumentException("_HLS_part needs _HLS_msn");
			}
			return null;
		}
		if (!msn.matches("[0-9]{1,12}") || part != null && !part.matches("[0-9]{1,6}")) {
			throw new IllegalArgumentException("_HLS_msn and _HLS_part are whole numbers");
		}
		return new BlockingReload(Long.parseLong(msn), part == null ? null : Integer.parseInt(part));
	}

	/**
	 * Whether a media playlist answers this request. Segment M is in it when M is below the media sequence plus the
	 * number of segments listed; part P of segment M when M is the next segment after those and at least P + 1 of
	 * its parts are listed after the last one.
	 */
	Answer answer(String playlist) {
		long sequence = 0;
		long segments = 0;
		int openParts = 0;
		double partTarget = 0;
		long target = 0;
		for (String line : playlist.split("\n")) {
			String l = line.strip();
			if (l.startsWith("#EXT-X-ENDLIST")) {
				return Answer.READY;
			}
			if (l.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
				try {
					sequence = Long.parseLong(l.substring("#EXT-X-MEDIA-SEQUENCE:".length()).strip());
				}
				catch (NumberFormatException ex) {
					return Answer.READY; // not a playlist this can reason about: no reason to hold it
				}
			}
			else if (l.startsWith("#EXT-X-PART:")) {
				openParts++;
			}
			else if (l.startsWith("#EXT-X-TARGETDURATION:")) {
				try {
					target = Long.parseLong(l.substring("#EXT-X-TARGETDURATION:".length()).strip());
				}
				catch (NumberFormatException ex) {
					target = 0;
				}
			}
			else if (l.startsWith("#EXT-X-PART-INF:PART-TARGET=")) {
				try {
					partTarget = Double.parseDouble(l.substring("#EXT-X-PART-INF:PART-TARGET=".length()).strip());
				}
				catch (NumberFormatException ex) {
					partTarget = 0;
				}
			}
			else if (!l.isEmpty() && !l.startsWith("#")) {
				segments++;
				openParts = 0;
			}
		}
		long next = sequence + segments; // the segment being made
		if (msn < next) {
			return Answer.READY;
		}
		if (msn == next && part != null && part < openParts) {
			return Answer.READY;
		}
		if (msn > next + 1) {
			return Answer.TOO_FAR;
		}
		// the advance part limit: no more than three seconds of parts ahead of the newest (6.2.5.2)
		int limit = partTarget > 0 ? (int) Math.ceil(3 / partTarget) : Integer.MAX_VALUE;
		long perSegment = partTarget > 0 && target > 0 ? Math.max(1, Math.round(target / partTarget)) : 0;
		long ahead = part == null ? 0 : msn == next ? part - openParts + 1 : perSegment - openParts + part + 1;
		return ahead > limit ? Answer.TOO_FAR : Answer.WAIT;
	}

	/** How long to hold a request at most: three target durations, as the spec asks of servers. */
	static long holdMillis(String playlist) {
		for (String line : playlist.split("\n")) {
			if (line.startsWith("#EXT-X-TARGETDURATION:")) {
				try {
					return 3000L * Math.max(1, Long.parseLong(line.substring("#EXT-X-TARGETDURATION:".length()).strip()));
				}
				catch (NumberFormatException ex) {
					break;
				}
			}
		}
		return 6000;
	}

}
