package dev.keyframe.live.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's numbering of a pipeline's segments (docs/adr/0020). Both pipelines of a channel encode the same
 * relayed feed with its own timestamps kept and keyframes on one grid of those timestamps ({@link LiveCommand}), so
 * segment boundaries fall on the same pictures in both, whenever each started. What differs is only what each
 * encoder calls them: its own counter, from its own start. This class names them as the session does: the segment
 * whose first picture is {@code k} segment lengths after the anchor's (the newest segment the publishing pipeline
 * claimed) is the anchor's number plus {@code k}, and its program date time is the anchor's plus the same span, so
 * segment N and its date are the same from either pipeline.
 *
 * <p>The publishing pipeline reads its encoder's playlists ({@code <dir>/<rendition>/index.m3u8}), numbers each new
 * segment, and writes the session's playlists with hard links to the segments under {@code <dir>/numbered}, which
 * {@link HlsPublisher} publishes as it publishes any encoder's. A segment that is not on the anchor's grid (a new
 * feed, the slate: another timeline) continues the numbering after a discontinuity, as a single pipeline would.
 */
final class PipelineNumbering {

	private static final Logger log = LoggerFactory.getLogger(PipelineNumbering.class);

	/** Where the session's playlists and links are written, under the pipeline's work directory. */
	static final String NUMBERED = "numbered";

	/** How far from the anchor's grid a segment's first picture may be and still be on it (90 kHz ticks, 0.1 ms). */
	private static final long ON_GRID = 9;

	/** How far from the anchor a segment may be and still be numbered from it: beyond, another timeline. */
	private static final long REACH = 90_000L * 3600;

	private static final Pattern COUNTER = Pattern.compile("(\\d+)\\.ts$");

	private static final String PDT = "#EXT-X-PROGRAM-DATE-TIME:";

	private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_INSTANT;

	/**
	 * A numbered segment: what the other pipeline numbers its own from.
	 *
	 * @param segment its number in the session
	 * @param pts its first picture's presentation time, 90 kHz, as both encoders wrote it
	 * @param date its program date time
	 * @param timeline the feed connection its encoder read (or this pipeline's slate): only segments of one
	 *     timeline share the PTS grid
	 */
	record Anchor(long segment, long pts, Instant date, String timeline) {
	}

	/** A segment as an encoder listed it, with its first picture's time and the date the session gives it. */
	record Local(int counter, String uri, String duration, long pts, Instant date, boolean seam, String timeline) {
	}

	/** A segment of the session's playlist: its number, duration, date, and whether a discontinuity precedes it. */
	private record Entry(long number, String uri, String duration, String date, boolean discontinuity) {
	}

	private final Path dir;

	private final List<String> renditions;

	private final long segmentTicks;

	private final int listSize;

	/** When the running encoder's first picture was captured (epoch ms; 0 when it makes its own, the slate). */
	private final LongSupplier runCapture;

	/** The timeline the running encoder reads. */
	private final java.util.function.Supplier<String> timeline;

	/** The top rendition's segments read so far, by counter, with their times. */
	private final Map<Integer, Local> seen = new LinkedHashMap<>();

	/** Per local run (by its first counter): its first segment's time and date, which the run's other dates follow. */
	private @Nullable Local runStart;

	private int lastSeen = -1;

	/** Per rendition: the session's playlist as this pipeline writes it (published by the other one, before). */
	private final Map<String, List<Entry>> playlists = new HashMap<>();

	private int targetDuration;

	/** The newest segment this pipeline numbered, as an anchor; null before the first. */
	private @Nullable Anchor newest;

	/** The counter of the newest local segment numbered. */
	private int numbered = -1;

	/** Whether the last round listed a discontinuity (the publisher counts it, even if it slides out unseen). */
	private boolean seamListed;

	PipelineNumbering(Path dir, List<String> renditions, int segmentSeconds, int listSize, LongSupplier runCapture,
			java.util.function.Supplier<String> timeline) {
		this.timeline = timeline;
		this.dir = dir;
		this.renditions = renditions;
		this.segmentTicks = 90_000L * segmentSeconds;
		this.listSize = listSize;
		this.runCapture = runCapture;
		this.targetDuration = segmentSeconds;
	}

	/**
	 * The number the session gives a segment of {@code timeline} whose first picture is at {@code pts}, from
	 * {@code anchor}: empty when it is of another timeline, not on the anchor's grid, or too far from it to tell.
	 */
	static OptionalLong number(Anchor anchor, long pts, String timeline, long segmentTicks) {
		if (!anchor.timeline().equals(timeline)) {
			return OptionalLong.empty();
		}
		return number(anchor, pts, segmentTicks);
	}

	/** The same, within one timeline. */
	static OptionalLong number(Anchor anchor, long pts, long segmentTicks) {
		long delta = wrapped(pts - anchor.pts());
		long steps = Math.floorDiv(delta + segmentTicks / 2, segmentTicks);
		long off = delta - steps * segmentTicks;
		if (Math.abs(off) > ON_GRID || Math.abs(delta) > REACH) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(anchor.segment() + steps);
	}

	/** A difference of two 33-bit timestamps, across their wrap: the nearer way round. */
	private static long wrapped(long delta) {
		long span = MpegTs.WRAP + 1;
		long d = Math.floorMod(delta, span);
		return d >= span / 2 ? d - span : d;
	}

	/**
	 * Reads the encoder's new segments (each file's first picture once) and dates each as the session does: a run's
	 * first segment when its first picture was captured, the run's later ones by their distance from it in PTS.
	 * Both pipelines call this every round, the standing-by one to know how far it is.
	 * @return the encoder's segments seen, oldest first (those it still lists)
	 */
	List<Local> scan() throws IOException {
		String top = renditions.getFirst();
		Path playlist = dir.resolve(top).resolve("index.m3u8");
		if (!Files.exists(playlist)) {
			return List.of();
		}
		List<String[]> listed = listing(Files.readString(playlist, StandardCharsets.UTF_8));
		List<Local> current = new ArrayList<>();
		for (String[] item : listed) {
			int counter = counter(item[0]);
			Local known = seen.get(counter);
			if (known == null && counter > lastSeen) {
				long pts = firstPts(dir.resolve(top).resolve(item[0]));
				if (pts < 0) {
					break; // not written out yet: next round
				}
				boolean seam = runStart == null || "1".equals(item[3]) || counter != lastSeen + 1;
				Instant date;
				if (seam) {
					Instant written = parse(item[2]);
					long captured = runCapture.getAsLong();
					// the encoder dates its first segment by when its muxer started; its first picture is from when it
					// was captured
					date = captured > 0 ? Instant.ofEpochMilli(captured)
							: written != null ? written : Instant.now();
				}
				else {
					Local start = java.util.Objects.requireNonNull(runStart);
					date = start.date().plusMillis(Math.round(wrapped(pts - start.pts()) / 90.0));
				}
				// a run reads one timeline: what it is, as the run's first segment shows up
				String of = seam ? timeline.get() : java.util.Objects.requireNonNull(runStart).timeline();
				known = new Local(counter, item[0], item[1], pts, date.truncatedTo(ChronoUnit.MILLIS), seam, of);
				if (seam) {
					runStart = known;
				}
				seen.put(counter, known);
				lastSeen = counter;
			}
			if (known != null) {
				current.add(known);
			}
		}
		// forget what the encoder no longer lists
		java.util.Set<Integer> still = new java.util.HashSet<>();
		current.forEach(l -> still.add(l.counter()));
		seen.keySet().retainAll(still);
		return current;
	}

	/**
	 * Where this pipeline stands against the publishing one: its newest segment's number by {@code anchor}, empty
	 * when it is not on the anchor's grid (not in step) or has no segment yet.
	 */
	OptionalLong inStep(List<Local> locals, @Nullable Anchor anchor) {
		if (anchor == null || locals.isEmpty()) {
			return OptionalLong.empty();
		}
		return number(anchor, locals.getLast().pts(), locals.getLast().timeline(), segmentTicks);
	}

	/**
	 * This pipeline takes the publication over: the session's playlists start as published, by rendition, and its
	 * own segments continue them.
	 */
	void seed(Map<String, String> published) throws IOException {
		newest = null;
		numbered = -1;
		seamListed = false;
		for (String rendition : renditions) {
			// what this pipeline wrote when it published before is not the session's playlist any more, nor are the
			// links it made then
			Path numberedDir = dir.resolve(NUMBERED).resolve(rendition);
			if (Files.isDirectory(numberedDir)) {
				try (var old = Files.list(numberedDir)) {
					for (Path file : old.toList()) {
						Files.deleteIfExists(file);
					}
				}
			}
			List<Entry> entries = new ArrayList<>();
			String text = published.get(rendition);
			if (text != null) {
				long sequence = 0;
				boolean discontinuity = false;
				String duration = null;
				String date = null;
				for (String line : text.split("\n")) {
					String l = line.strip();
					if (l.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
						sequence = Long.parseLong(l.substring(22).strip());
					}
					else if (l.startsWith("#EXT-X-TARGETDURATION:")) {
						targetDuration = Math.max(targetDuration, Integer.parseInt(l.substring(22).strip()));
					}
					else if (l.equals("#EXT-X-DISCONTINUITY")) {
						discontinuity = true;
					}
					else if (l.startsWith("#EXTINF:")) {
						duration = l.substring(8).replaceAll(",.*$", "");
					}
					else if (l.startsWith(PDT)) {
						date = l.substring(PDT.length());
					}
					else if (!l.isEmpty() && !l.startsWith("#")) {
						entries.add(new Entry(sequence + entries.size(), l, duration == null ? "0" : duration,
								date == null ? "" : date, discontinuity));
						discontinuity = false;
						duration = null;
						date = null;
					}
				}
			}
			playlists.put(rendition, entries);
		}
	}

	/**
	 * Numbers the encoder's new segments and writes the session's playlists for the publisher.
	 * @param shared the newest segment the session's publisher claimed (this pipeline's own, or the other's before it
	 *     took over)
	 * @return the newest segment numbered now, to claim before it is published; null when nothing is new
	 */
	@Nullable Anchor advance(List<Local> locals, @Nullable Anchor shared) throws IOException {
		Map<String, Map<Integer, String[]>> listings = new HashMap<>();
		for (String rendition : renditions) {
			Path playlist = dir.resolve(rendition).resolve("index.m3u8");
			Map<Integer, String[]> byCounter = new HashMap<>();
			if (Files.exists(playlist)) {
				for (String[] item : listing(Files.readString(playlist, StandardCharsets.UTF_8))) {
					byCounter.put(counter(item[0]), item);
				}
			}
			listings.put(rendition, byCounter);
		}
		String latest = locals.isEmpty() ? "" : locals.getLast().timeline();
		Anchor claimed = null;
		boolean changed = false;
		for (Local local : locals) {
			if (local.counter() <= numbered) {
				continue;
			}
			if (listings.values().stream().anyMatch(l -> !l.containsKey(local.counter()))) {
				break; // a rendition has not written this one yet
			}
			if (renditions.stream().anyMatch(r -> !Files.exists(
					dir.resolve(r).resolve(listings.get(r).get(local.counter())[0])))) {
				// the encoder deleted it already (publishing fell that far behind): the next one is numbered on
				log.warn("Segment {} of the encoder in {} was gone before it was numbered", local.uri(), dir);
				numbered = local.counter();
				continue;
			}
			long top = listed(renditions.getFirst());
			Anchor from = newest != null ? newest : shared;
			OptionalLong onGrid = from == null ? OptionalLong.empty()
					: number(from, local.pts(), local.timeline(), segmentTicks);
			if (onGrid.isEmpty() && !local.timeline().equals(latest)) {
				// of a timeline the encoder has left (the feed before a reconnect, the slate): not the live edge
				numbered = local.counter();
				continue;
			}
			long number;
			boolean discontinuity;
			Instant date;
			if (onGrid.isPresent() && onGrid.getAsLong() <= top) {
				// the session has it already (the other pipeline published it); a rendition that lags gets it here
				number = onGrid.getAsLong();
				discontinuity = false;
				date = dateFrom(from, local.pts());
			}
			else if (onGrid.isPresent()) {
				number = top + 1;
				// a hole (a segment neither pipeline made) cannot be listed: the numbering goes on after a discontinuity
				discontinuity = top >= 0 && onGrid.getAsLong() != top + 1;
				if (discontinuity) {
					log.warn("Segment {} (session's {}) follows segment {}: a hole, listed after a discontinuity",
							local.uri(), onGrid.getAsLong(), top);
				}
				date = dateFrom(from, local.pts());
			}
			else {
				number = top + 1;
				discontinuity = top >= 0;
				if (discontinuity) {
					log.warn("Segment {} is of another timeline than {}: listed after a discontinuity", local.uri(),
							from);
				}
				date = local.date();
			}
			String uri = String.format("seg_%05d.ts", number);
			// every link first: a rendition that got its entry and one that did not would number apart
			List<String> adding = new ArrayList<>();
			for (String rendition : renditions) {
				if (number <= listed(rendition)) {
					continue;
				}
				if (number != listed(rendition) + 1 && number <= top) {
					continue; // a lagging rendition takes only its next one
				}
				String[] item = listings.get(rendition).get(local.counter());
				Path numberedDir = dir.resolve(NUMBERED).resolve(rendition);
				Files.createDirectories(numberedDir);
				Path link = numberedDir.resolve(uri);
				Files.deleteIfExists(link);
				Files.createLink(link, dir.resolve(rendition).resolve(item[0]));
				adding.add(rendition);
			}
			for (String rendition : adding) {
				String[] item = listings.get(rendition).get(local.counter());
				playlists.computeIfAbsent(rendition, r -> new ArrayList<>())
					.add(new Entry(number, uri, item[1], DATE.format(date), discontinuity));
				targetDuration = Math.max(targetDuration, (int) Math.ceil(Double.parseDouble(item[1]) - 0.001));
			}
			seamListed |= discontinuity && !adding.isEmpty();
			changed |= !adding.isEmpty();
			numbered = local.counter();
			newest = new Anchor(number, local.pts(), date, local.timeline());
			if (number > top) {
				claimed = newest;
			}
		}
		if (changed) {
			write();
		}
		return claimed;
	}

	/** The newest segment a rendition's playlist lists; -1 for none. */
	private long listed(String rendition) {
		List<Entry> entries = playlists.get(rendition);
		return entries == null || entries.isEmpty() ? -1 : entries.getLast().number();
	}

	/** Whether a discontinuity was listed since the last call. */
	boolean takeSeam() {
		boolean listed = seamListed;
		seamListed = false;
		return listed;
	}

	/** The newest segment this pipeline numbered, or null. */
	@Nullable Anchor newest() {
		return newest;
	}

	private Instant dateFrom(Anchor anchor, long pts) {
		return anchor.date().plusMillis(Math.round(wrapped(pts - anchor.pts()) / 90.0));
	}

	/** The session's playlists, each its last {@code listSize} segments; links that left them go. */
	private void write() throws IOException {
		for (String rendition : renditions) {
			List<Entry> entries = playlists.get(rendition);
			if (entries == null || entries.isEmpty()) {
				continue;
			}
			while (entries.size() > listSize) {
				Entry gone = entries.removeFirst();
				Files.deleteIfExists(dir.resolve(NUMBERED).resolve(rendition).resolve(gone.uri()));
			}
			StringBuilder text = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:")
				.append(targetDuration)
				.append("\n#EXT-X-MEDIA-SEQUENCE:")
				.append(entries.getFirst().number())
				.append("\n#EXT-X-INDEPENDENT-SEGMENTS\n");
			for (Entry entry : entries) {
				if (entry.discontinuity()) {
					text.append("#EXT-X-DISCONTINUITY\n");
				}
				text.append("#EXTINF:").append(entry.duration()).append(",\n");
				if (!entry.date().isEmpty()) {
					text.append(PDT).append(entry.date()).append('\n');
				}
				text.append(entry.uri()).append('\n');
			}
			Path target = dir.resolve(NUMBERED).resolve(rendition).resolve("index.m3u8");
			Path next = target.resolveSibling("index.m3u8.tmp");
			Files.writeString(next, text, StandardCharsets.UTF_8);
			Files.move(next, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
					java.nio.file.StandardCopyOption.ATOMIC_MOVE);
		}
	}

	/** An encoder playlist's segments: uri, duration, program date time (or null), "1" after a discontinuity. */
	private static List<String[]> listing(String playlist) {
		List<String[]> items = new ArrayList<>();
		String duration = null;
		String date = null;
		boolean discontinuity = false;
		for (String line : playlist.split("\n")) {
			String l = line.strip();
			if (l.startsWith("#EXTINF:")) {
				duration = l.substring(8).replaceAll(",.*$", "");
			}
			else if (l.startsWith(PDT)) {
				date = l.substring(PDT.length());
			}
			else if (l.equals("#EXT-X-DISCONTINUITY")) {
				discontinuity = true;
			}
			else if (!l.isEmpty() && !l.startsWith("#")) {
				if (COUNTER.matcher(l).find()) {
					items.add(new String[] { l, duration == null ? "0" : duration, date, discontinuity ? "1" : "0" });
				}
				duration = null;
				date = null;
				discontinuity = false;
			}
		}
		return items;
	}

	private static int counter(String uri) {
		Matcher m = COUNTER.matcher(uri);
		return m.find() ? Integer.parseInt(m.group(1)) : -1;
	}

	/** The first picture's time in a segment file; -1 when it is missing or shows none yet. */
	private static long firstPts(Path segment) throws IOException {
		if (!Files.exists(segment)) {
			return -1;
		}
		try (InputStream in = Files.newInputStream(segment)) {
			return MpegTs.firstVideoPts(in.readNBytes(256 * 1024));
		}
		catch (java.nio.file.NoSuchFileException ex) {
			return -1;
		}
	}

	private static @Nullable Instant parse(@Nullable String value) {
		if (value == null) {
			return null;
		}
		try {
			return OffsetDateTime.parse(value.strip().replaceAll("([+-]\\d\\d)(\\d\\d)$", "$1:$2")).toInstant();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
