package dev.keyframe.live.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Low-latency HLS for one rendition, made from what the encoder writes for a low-latency channel: half-second parts
 * ({@code p_NNNNNN.ts}, listed in {@code parts.m3u8} once each is complete). Parts are grouped into segments: a new
 * segment opens when a segment has all its parts, after a discontinuity (the encoder restarted, the slate began or
 * ended), or at a part that starts with a keyframe when the open segment did not (one keyframe per segment by the
 * keyframe contract; a copied rung's feed may have more). A segment
 * is the bytes of its parts end to end ({@code s_NNNNNN.ts}, MPEG-TS joins that way) listed in {@code index.m3u8}
 * the way the encoder lists segments of a standard channel, so the rest of publishing (dates, discontinuity
 * sequence, upload order, retirement) is the same for both. {@link #decorate} then adds what LL-HLS players read:
 * the server control and part target, the parts of the newest segments, the open segment's parts and a preload
 * hint for the part being made.
 *
 * <p>Not thread-safe: its publisher calls it from one thread at a time.
 */
final class PartAssembler {

	/** The encoder's part files, numbered by its own sequence. */
	static final String PART_FILES = "p_%06d.ts";

	/** The encoder's playlist of parts. */
	static final String PARTS_PLAYLIST = "parts.m3u8";

	/** The open segment's parts an earlier transcoder published, brought back by {@link #restore}. */
	static final String RESTORED_PARTS = "restored-parts.m3u8";

	/**
	 * How many part numbers a replacement encoder skips: an earlier transcoder stores a part just before the
	 * playlist that names it, so a part it stored but never listed (it died in between) must not get a name
	 * that a viewer following the preload hint may already hold, with other bytes.
	 */
	static final int RESTORED_NUMBER_GAP = 8;

	/** The segment playlist this writes (what the encoder writes itself for a standard channel). */
	static final String SEGMENTS_PLAYLIST = "index.m3u8";

	/** How many of the newest segments list their parts too; the spec asks for at least those of the last 3 target durations. */
	static final int SEGMENTS_WITH_PARTS = 3;

	private static final Pattern PART = Pattern.compile("^p_(\\d{1,9})\\.ts$");

	private static final Pattern SEGMENT = Pattern.compile("^s_(\\d{1,9})\\.ts$");

	private static final Pattern PART_URI = Pattern.compile("URI=\"([^\"]+)\"");

	private static final Pattern PART_DURATION = Pattern.compile("DURATION=([0-9.]+)");

	record Part(String uri, double duration, @Nullable String date, boolean discontinuity, boolean independent) {

		int number() {
			Matcher m = PART.matcher(uri);
			return m.matches() ? Integer.parseInt(m.group(1)) : -1;
		}

	}

	/** A sealed segment; {@code parts} is empty for one seeded from an earlier transcoder's playlist. */
	record Segment(int number, double duration, @Nullable String date, boolean discontinuity, List<Part> parts) {

		String uri() {
			return String.format(Locale.ROOT, "s_%06d.ts", number);
		}

	}

	private final Path dir;

	private final LowLatency layout;

	private final int listSize;

	private final Predicate<Path> opensWithKeyframe;

	private final List<Segment> segments = new ArrayList<>();

	private final List<Part> open = new ArrayList<>();

	private boolean openDiscontinuity;

	private int nextSegment;

	/** The newest part taken from the encoder's playlist; -1 before the first. */
	private int lastPart = -1;

	/** How far past {@link #lastPart} the encoder's next part is numbered: the restore gap, until its first part. */
	private int hintGap;

	/**
	 * @param dir the rendition's work directory, where the encoder writes its parts
	 * @param listSize how many segments the segment playlist keeps (the channel's window)
	 */
	PartAssembler(Path dir, LowLatency layout, int listSize) {
		this(dir, layout, listSize, PartAssembler::keyframeFirst);
	}

	PartAssembler(Path dir, LowLatency layout, int listSize, Predicate<Path> opensWithKeyframe) {
		this.dir = dir;
		this.layout = layout;
		this.listSize = listSize;
		this.opensWithKeyframe = opensWithKeyframe;
		seed();
	}

	/**
	 * Continues what an earlier transcoder of the session published: the segment numbering from the segment
	 * playlist brought back into the work directory, the part numbering from the parts playlist (the encoder
	 * continues both, {@code append_list}). The earlier transcoder's open parts belong to no segment: the new
	 * encoder's first part starts one after a discontinuity.
	 */
	private void seed() {
		Path index = dir.resolve(SEGMENTS_PLAYLIST);
		try {
			if (Files.exists(index)) {
				String text = Files.readString(index, StandardCharsets.UTF_8);
				int sequence = mediaSequence(text);
				for (Part listed : entries(text)) {
					Matcher m = SEGMENT.matcher(listed.uri());
					int number = m.matches() ? Integer.parseInt(m.group(1)) : sequence + segments.size();
					segments.add(new Segment(number, listed.duration(), listed.date(), listed.discontinuity(), List.of()));
				}
				nextSegment = segments.isEmpty() ? sequence : segments.getLast().number() + 1;
			}
			Path parts = dir.resolve(PARTS_PLAYLIST);
			// only what an earlier transcoder published counts as taken; parts an encoder of this session already
			// wrote before this started are this session's first (or every rendition's segments would not line up)
			if (Files.exists(index) && Files.exists(parts)) {
				String listed = Files.readString(parts, StandardCharsets.UTF_8);
				List<Part> restoredParts = parts(listed);
				for (Part part : restoredParts) {
					lastPart = Math.max(lastPart, part.number());
				}
				// the encoder numbers its next part MEDIA-SEQUENCE plus the parts listed: the hint names that one
				hintGap = lastPart >= 0 ? Math.max(0, mediaSequence(listed) + restoredParts.size() - 1 - lastPart) : 0;
			}
			openDiscontinuity = true;
			Path restored = dir.resolve(RESTORED_PARTS);
			if (Files.exists(index) && Files.exists(restored)) {
				// the segment the earlier transcoder left open: players hold its parts under its number, so it is
				// sealed with exactly them when this encoder's first part (after a discontinuity) arrives
				List<Part> left = parts(Files.readString(restored, StandardCharsets.UTF_8));
				for (Part part : left) {
					open.add(new Part(part.uri(), part.duration(), part.date(), false,
							opensWithKeyframe.test(dir.resolve(part.uri()))));
				}
				if (!left.isEmpty()) {
					openDiscontinuity = left.getFirst().discontinuity();
				}
			}
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/**
	 * Takes the parts the encoder finished since the last call, seals the segments they complete and rewrites the
	 * segment playlist when one was sealed.
	 * @return whether any new part was taken
	 */
	boolean advance() throws IOException {
		return advance(listed(), Integer.MAX_VALUE);
	}

	/** The parts the encoder lists now (empty before its first). */
	List<Part> listed() throws IOException {
		Path playlist = dir.resolve(PARTS_PLAYLIST);
		return Files.exists(playlist) ? parts(Files.readString(playlist, StandardCharsets.UTF_8)) : List.of();
	}

	/**
	 * Takes the parts of {@code listed} numbered up to {@code upTo}: every rendition is taken to the same part, so
	 * that each round's playlists agree on which segment is being made (the encoder lists a part in one rendition
	 * a moment before another).
	 */
	boolean advance(List<Part> listedNow, int upTo) throws IOException {
		boolean taken = false;
		boolean sealed = false;
		for (Part listed : listedNow) {
			if (listed.number() <= lastPart) {
				continue;
			}
			if (listed.number() > upTo) {
				break;
			}
			Path file = dir.resolve(listed.uri());
			if (!Files.exists(file)) {
				break; // listed but not there: taken next round, in order
			}
			Part part = new Part(listed.uri(), listed.duration(), listed.date(), listed.discontinuity(),
					opensWithKeyframe.test(file));
			// a feed with keyframes more often than the segment (a copied rung: every second) still makes whole
			// segments; a keyframe only opens one early where the open segment did not start with one
			if (!open.isEmpty() && (part.discontinuity() || open.size() >= layout.partsPerSegment()
					|| part.independent() && !open.getFirst().independent())) {
				try {
					seal();
				}
				catch (IOException ex) {
					if (sealed) {
						write();
					}
					throw ex;
				}
				sealed = true;
			}
			if (open.isEmpty() && part.discontinuity()) {
				openDiscontinuity = true;
			}
			open.add(part);
			lastPart = part.number();
			hintGap = 0;
			taken = true;
		}
		if (sealed) {
			write();
		}
		return taken;
	}

	/** Seals the open segment (the stream ended): nothing follows it. */
	void finish() throws IOException {
		advance();
		if (!open.isEmpty()) {
			seal();
			write();
		}
	}

	private void seal() throws IOException {
		Segment segment = new Segment(nextSegment, open.stream().mapToDouble(Part::duration).sum(),
				open.getFirst().date(), openDiscontinuity, List.copyOf(open));
		Path target = dir.resolve(segment.uri());
		Path partial = dir.resolve(segment.uri() + ".tmp");
		try {
			try (OutputStream out = Files.newOutputStream(partial)) {
				for (Part part : open) {
					try (InputStream in = Files.newInputStream(dir.resolve(part.uri()))) {
						in.transferTo(out);
					}
				}
			}
			Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			Files.deleteIfExists(partial); // nothing changed: the same parts are sealed next round
			throw ex;
		}
		nextSegment++;
		segments.add(segment);
		open.clear();
		openDiscontinuity = false;
		if (segments.size() > SEGMENTS_WITH_PARTS) {
			// no playlist will name this segment's parts again (the published ones did after they were stored)
			for (Part part : segments.get(segments.size() - 1 - SEGMENTS_WITH_PARTS).parts()) {
				Files.deleteIfExists(dir.resolve(part.uri()));
			}
		}
		while (segments.size() > listSize) {
			Files.deleteIfExists(dir.resolve(segments.removeFirst().uri()));
		}
	}

	/** The segment playlist, in the encoder's own format (its publisher reads both the same way). */
	private void write() throws IOException {
		StringBuilder text = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n");
		// fixed for the whole stream, as the spec asks: a segment is at most all its parts
		long target = Math.round(Math.ceil(layout.partsPerSegment() * layout.partSeconds() - 0.001));
		text.append("#EXT-X-TARGETDURATION:").append(Math.max(1, target)).append('\n');
		text.append("#EXT-X-MEDIA-SEQUENCE:").append(segments.getFirst().number()).append('\n');
		for (Segment segment : segments) {
			if (segment.discontinuity()) {
				text.append("#EXT-X-DISCONTINUITY\n");
			}
			text.append(String.format(Locale.ROOT, "#EXTINF:%.6f,%n", segment.duration()));
			if (segment.date() != null) {
				text.append("#EXT-X-PROGRAM-DATE-TIME:").append(segment.date()).append('\n');
			}
			text.append(segment.uri()).append('\n');
		}
		Path partial = dir.resolve(SEGMENTS_PLAYLIST + ".tmp");
		Files.writeString(partial, text.toString(), StandardCharsets.UTF_8);
		Files.move(partial, dir.resolve(SEGMENTS_PLAYLIST), StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.ATOMIC_MOVE);
	}

	/**
	 * The published segment playlist with what LL-HLS players need: version 6, {@code EXT-X-SERVER-CONTROL}
	 * (blocking reload, a hold-back of three parts), {@code EXT-X-PART-INF}, the parts of the newest
	 * {@value #SEGMENTS_WITH_PARTS} segments before each, the open segment's parts after the last segment (after a
	 * discontinuity when they begin a new run) and a preload hint for the part the encoder is making.
	 */
	String decorate(String playlist) {
		List<String> out = new ArrayList<>();
		List<String> lines = List.of(playlist.split("\n"));
		int withParts = Math.max(0, segments.size() - SEGMENTS_WITH_PARTS);
		java.util.Map<String, Segment> byUri = new java.util.HashMap<>();
		for (int i = withParts; i < segments.size(); i++) {
			byUri.put(segments.get(i).uri(), segments.get(i));
		}
		List<String> pending = new ArrayList<>();
		for (String line : lines) {
			if (line.startsWith("#EXT-X-VERSION:")) {
				out.add("#EXT-X-VERSION:6");
				continue;
			}
			if (line.startsWith("#EXT-X-TARGETDURATION:")) {
				out.add(line);
				out.add(String.format(Locale.ROOT, "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=%.3f",
						layout.partHoldBack()));
				out.add(String.format(Locale.ROOT, "#EXT-X-PART-INF:PART-TARGET=%.3f", layout.partSeconds()));
				continue;
			}
			if (line.startsWith("#EXTINF:") || line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
				pending.add(line); // the segment's parts go before its duration, as in the spec's examples
				continue;
			}
			if (!line.isBlank() && !line.startsWith("#")) {
				Segment segment = byUri.get(line.strip());
				if (segment != null) {
					segment.parts().forEach(part -> out.add(part(part)));
				}
				out.addAll(pending);
				pending.clear();
			}
			out.add(line);
		}
		out.addAll(pending);
		if (!open.isEmpty() && openDiscontinuity && !segments.isEmpty()) {
			out.add("#EXT-X-DISCONTINUITY");
		}
		open.forEach(part -> out.add(part(part)));
		if (lastPart >= 0) {
			out.add("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + String.format(Locale.ROOT, PART_FILES, lastPart + 1 + hintGap)
					+ "\"");
		}
		return String.join("\n", out) + "\n";
	}

	private static String part(Part part) {
		return String.format(Locale.ROOT, "#EXT-X-PART:DURATION=%.5f,URI=\"%s\"%s", part.duration(), part.uri(),
				part.independent() ? ",INDEPENDENT=YES" : "");
	}

	/** The parts the decorated playlist names, oldest first: each must be in storage before the playlist is. */
	List<String> listedParts() {
		List<String> listed = new ArrayList<>();
		for (int i = Math.max(0, segments.size() - SEGMENTS_WITH_PARTS); i < segments.size(); i++) {
			segments.get(i).parts().forEach(part -> listed.add(part.uri()));
		}
		open.forEach(part -> listed.add(part.uri()));
		return listed;
	}

	/**
	 * Where this rendition's newest part is, as another rendition's playlist reports it
	 * ({@code EXT-X-RENDITION-REPORT}: a player switching here asks for the next part at once): its segment's media
	 * sequence number and its index in that segment; null before the first.
	 */
	long @Nullable [] newestPosition() {
		if (!open.isEmpty()) {
			return new long[] { nextSegment, open.size() - 1 };
		}
		if (!segments.isEmpty() && !segments.getLast().parts().isEmpty()) {
			return new long[] { segments.getLast().number(), segments.getLast().parts().size() - 1 };
		}
		return null;
	}

	/** The rendition report of a rendition at {@code position} ({@link #newestPosition}), from a sibling playlist. */
	static String renditionReport(String rendition, long[] position) {
		return "#EXT-X-RENDITION-REPORT:URI=\"../" + rendition + "/" + SEGMENTS_PLAYLIST + "\",LAST-MSN=" + position[0]
				+ ",LAST-PART=" + position[1];
	}

	/** The newest part taken, or -1: what changes whenever the decorated playlist does. */
	int newestPart() {
		return lastPart;
	}

	/**
	 * How long after the start of the newest segment the newest part starts, in seconds (its start is when the
	 * playlist's newest media was captured); 0 before any.
	 */
	double newestPartOffset() {
		List<Part> newestParts = !open.isEmpty() ? open : segments.isEmpty() ? List.of() : segments.getLast().parts();
		if (newestParts.isEmpty()) {
			return 0;
		}
		double segment = segments.isEmpty() ? 0 : segments.getLast().duration();
		if (!open.isEmpty() && openDiscontinuity) {
			// the open parts begin a new run, on its own clock: until it has a segment, its newest dated media is
			// the previous run's last part (the age reads a little high, never low)
			List<Part> last = segments.isEmpty() ? List.of() : segments.getLast().parts();
			return last.isEmpty() ? 0 : segment - last.getLast().duration();
		}
		double openSeconds = open.stream().mapToDouble(Part::duration).sum();
		return segment + openSeconds - newestParts.getLast().duration();
	}

	/**
	 * A published low-latency playlist as it is once the stream ended: no preload hint, no rendition reports and no
	 * parts after the last segment (the spec forbids a hint after the end tag, and a part belongs to a segment that
	 * now never comes).
	 */
	static String ended(String playlist) {
		List<String> lines = new ArrayList<>(List.of(playlist.split("\n")));
		lines.removeIf(line -> line.startsWith("#EXT-X-PRELOAD-HINT") || line.startsWith("#EXT-X-RENDITION-REPORT"));
		while (!lines.isEmpty() && (lines.getLast().startsWith("#EXT-X-PART:") || lines.getLast().isBlank()
				|| lines.getLast().equals("#EXT-X-DISCONTINUITY"))) {
			lines.removeLast();
		}
		return String.join("\n", lines) + "\n";
	}

	/**
	 * A published low-latency playlist as the next transcoder's encoder reads it to continue the segments: the
	 * segment playlist again, without the low-latency tags.
	 */
	static String segmentsForEncoder(String published) {
		List<String> lines = new ArrayList<>(List.of(ended(published).split("\n")));
		lines.removeIf(line -> line.startsWith("#EXT-X-PART:") || line.startsWith("#EXT-X-PART-INF:")
				|| line.startsWith("#EXT-X-SERVER-CONTROL:"));
		return String.join("\n", lines) + "\n";
	}

	/**
	 * A parts playlist from which the next transcoder's encoder continues the part numbering ({@code append_list}):
	 * the parts a published low-latency playlist names; null when it names none.
	 */
	static @Nullable String partsForEncoder(String published, int next) {
		List<String> parts = new ArrayList<>();
		for (String line : published.split("\n")) {
			if (line.startsWith("#EXT-X-PART:")) {
				Matcher uri = PART_URI.matcher(line);
				Matcher duration = PART_DURATION.matcher(line);
				if (uri.find() && duration.find() && PART.matcher(uri.group(1)).matches()) {
					parts.add("#EXTINF:" + duration.group(1) + ",\n" + uri.group(1));
				}
			}
		}
		if (parts.isEmpty()) {
			return null;
		}
		// the encoder numbers its next part MEDIA-SEQUENCE plus the parts listed
		return "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:"
				+ (next - parts.size()) + "\n" + String.join("\n", parts) + "\n";
	}

	/**
	 * The number every rendition's replacement encoder gives its first part: past the newest part any of them had
	 * published by {@link #RESTORED_NUMBER_GAP}, the same for all, so their parts keep one numbering (a kill can
	 * fall between one rendition's part and the next's).
	 */
	static int continuedNumber(java.util.Collection<String> published) {
		return published.stream().mapToInt(PartAssembler::newestPart).max().orElse(-1) + 1 + RESTORED_NUMBER_GAP;
	}

	/** Fetches a published part into a file; false when storage does not have it. */
	@FunctionalInterface
	interface PartFetcher {

		boolean fetch(String uri, Path target) throws IOException;

	}

	/**
	 * Brings back into a rendition's work directory what lets a replacement transcoder continue a low-latency
	 * playlist an earlier one published (the segment playlist is brought back beside it, for the publisher): a
	 * parts playlist from which the encoder continues the numbering, and the open segment's parts up to part
	 * {@code upTo} (the newest part every rendition had published), so that segment is sealed with the parts
	 * players already hold under its number; the encoder's next part is numbered {@code next}
	 * ({@link #continuedNumber}).
	 */
	static void restore(Path dir, String published, int upTo, int next, PartFetcher fetcher) throws IOException {
		String parts = partsForEncoder(published, next);
		if (parts != null) {
			Files.writeString(dir.resolve(PARTS_PLAYLIST), parts, StandardCharsets.UTF_8);
		}
		StringBuilder left = new StringBuilder("#EXTM3U\n");
		boolean first = true;
		for (Part part : openParts(published)) {
			if (part.number() > upTo || !fetcher.fetch(part.uri(), dir.resolve(part.uri()))) {
				break;
			}
			if (first && part.discontinuity()) {
				left.append("#EXT-X-DISCONTINUITY\n");
			}
			first = false;
			left.append(String.format(Locale.ROOT, "#EXTINF:%.6f,%n", part.duration())).append(part.uri()).append('\n');
		}
		Files.writeString(dir.resolve(RESTORED_PARTS), left.toString(), StandardCharsets.UTF_8);
	}

	/** The parts a published low-latency playlist lists after its last segment, the first marked if a discontinuity precedes them. */
	static List<Part> openParts(String published) {
		List<Part> open = new ArrayList<>();
		boolean discontinuity = false;
		for (String line : published.split("\n")) {
			String l = line.strip();
			if (l.equals("#EXT-X-DISCONTINUITY")) {
				discontinuity = true;
			}
			else if (l.startsWith("#EXT-X-PART:")) {
				Matcher uri = PART_URI.matcher(l);
				Matcher duration = PART_DURATION.matcher(l);
				if (uri.find() && duration.find() && PART.matcher(uri.group(1)).matches()) {
					open.add(new Part(uri.group(1), parseDouble(duration.group(1)), null, open.isEmpty() && discontinuity,
							l.contains("INDEPENDENT=YES")));
				}
			}
			else if (!l.isEmpty() && !l.startsWith("#")) {
				open.clear();
				discontinuity = false;
			}
		}
		return open;
	}

	/** The newest part a published low-latency playlist names; -1 when it names none. */
	static int newestPart(String published) {
		int newest = -1;
		for (String line : published.split("\n")) {
			Matcher uri = PART_URI.matcher(line);
			if (line.startsWith("#EXT-X-PART:") && uri.find()) {
				Matcher number = PART.matcher(uri.group(1));
				if (number.matches()) {
					newest = Math.max(newest, Integer.parseInt(number.group(1)));
				}
			}
		}
		return newest;
	}

	/** The encoder's parts playlist: each part with its duration, date and whether a discontinuity precedes it. */
	static List<Part> parts(String playlist) {
		return entries(playlist).stream().filter(part -> PART.matcher(part.uri()).matches()).toList();
	}

	/**
	 * Every media line of a playlist in the encoder's format (parts or segments), each with its duration, date and
	 * whether a discontinuity precedes it.
	 */
	private static List<Part> entries(String playlist) {
		List<Part> entries = new ArrayList<>();
		double duration = 0;
		String date = null;
		boolean discontinuity = false;
		for (String line : playlist.split("\n")) {
			String l = line.strip();
			if (l.startsWith("#EXTINF:")) {
				duration = parseDouble(l.substring(8).split(",")[0]);
			}
			else if (l.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
				date = l.substring("#EXT-X-PROGRAM-DATE-TIME:".length());
			}
			else if (l.equals("#EXT-X-DISCONTINUITY")) {
				discontinuity = true;
			}
			else if (!l.isEmpty() && !l.startsWith("#")) {
				entries.add(new Part(l, duration, date, discontinuity, false));
				date = null;
				discontinuity = false;
			}
		}
		return entries;
	}

	private static int mediaSequence(String playlist) {
		for (String line : playlist.split("\n")) {
			if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
				try {
					return Integer.parseInt(line.substring("#EXT-X-MEDIA-SEQUENCE:".length()).strip());
				}
				catch (NumberFormatException ex) {
					return 0;
				}
			}
		}
		return 0;
	}

	private static double parseDouble(String value) {
		try {
			return Double.parseDouble(value.strip());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * Whether an MPEG-TS part opens with a video keyframe: its first video PES packet (stream id 0xE0 to 0xEF)
	 * carries the random access indicator, which ffmpeg's muxer sets on keyframes. Audio packets carry it too, so
	 * only video counts.
	 */
	static boolean keyframeFirst(Path part) {
		try (InputStream in = Files.newInputStream(part)) {
			byte[] packet = new byte[188];
			for (int n = 0; n < 4096 && in.readNBytes(packet, 0, 188) == 188; n++) {
				if (packet[0] != 0x47) {
					return false;
				}
				boolean start = (packet[1] & 0x40) != 0;
				int control = (packet[3] >> 4) & 3;
				int payload = 4;
				boolean randomAccess = false;
				if ((control & 2) != 0) {
					int length = packet[4] & 0xff;
					randomAccess = length > 0 && (packet[5] & 0x40) != 0;
					payload = 5 + length;
				}
				if (start && (control & 1) != 0 && payload + 4 <= 188 && packet[payload] == 0 && packet[payload + 1] == 0
						&& packet[payload + 2] == 1) {
					int stream = packet[payload + 3] & 0xff;
					if (stream >= 0xE0 && stream <= 0xEF) {
						return randomAccess;
					}
				}
			}
			return false;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
