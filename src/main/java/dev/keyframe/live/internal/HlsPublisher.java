package dev.keyframe.live.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.platform.MediaTypes;
import dev.keyframe.platform.ObjectStorage;

/**
 * Copies what a live transcoder writes to storage as it appears: each new segment once (immutable), then the
 * playlist that lists it (cached for a second), so a playlist never names a segment storage does not have;
 * segments that slid out of the window go a minute later. Tells
 * its owner when every rendition has its first segment, and keeps the newest segment's program date time for
 * the heartbeat.
 */
final class HlsPublisher {

	static final String LIVE_PLAYLIST = "public, max-age=1";

	private static final String END = "#EXT-X-ENDLIST";

	private static final String PDT = "#EXT-X-PROGRAM-DATE-TIME:";

	private static final String DISCONTINUITY = "#EXT-X-DISCONTINUITY";

	static final String DISCONTINUITY_SEQUENCE = "#EXT-X-DISCONTINUITY-SEQUENCE:";

	private static final String MEDIA_SEQUENCE = "#EXT-X-MEDIA-SEQUENCE:";

	private static final Logger log = LoggerFactory.getLogger(HlsPublisher.class);

	private final ObjectStorage storage;

	private final AssetId asset;

	private final Path dir;

	private final List<String> renditions;

	private final Set<String> uploaded = new HashSet<>();

	private final Map<String, String> playlists = new HashMap<>();

	/** What the encoder last wrote, per rendition (before its dates were corrected). */
	private final Map<String, String> written = new HashMap<>();

	/** Each segment's program date time as first published: a segment's date never changes. */
	private final Map<String, String> dates = new HashMap<>();

	/** When the running encoder's first frame was captured, epoch ms (0: it makes its own picture, the slate). */
	private final LongSupplier firstCapture;

	/**
	 * How far the running encoder's dates are ahead of when its frames were captured, in ms: one for all its
	 * renditions (they share its clock), measured on the first of them to show the run's first segment.
	 */
	private long lead;

	/** Which run {@link #lead} was measured for: its first frame's capture time; none yet. */
	private @Nullable Long leadRun;

	/** Segments an earlier transcoder published: their dates were corrected then. */
	private final Set<String> kept = new HashSet<>();

	private final Set<String> started = new HashSet<>();

	private final Map<String, Map<String, Instant>> retired = new HashMap<>();

	private static final Duration RETIRE_AFTER = Duration.ofSeconds(60);

	private final Consumer<String> firstSegment;

	/** Per rendition: the segments last published, in order, each with whether a discontinuity precedes it. */
	private final Map<String, Map<String, Boolean>> window = new HashMap<>();

	/** Per rendition: how many discontinuities slid out of the window ({@code EXT-X-DISCONTINUITY-SEQUENCE}). */
	private final Map<String, Integer> discontinuitySequence = new HashMap<>();

	/**
	 * Renditions whose encoder started a new run (a replacement, a restart, the slate) whose seam this publisher has
	 * not seen in a playlist yet: an encoder working through a backlog can list the seam and slide it out of its
	 * window between two rounds, and that discontinuity must still be counted.
	 */
	private final Set<String> seamDue = java.util.concurrent.ConcurrentHashMap.newKeySet();

	/** Per rendition: the session's first segment, when this publisher saw it: nothing precedes it to break from. */
	private final Map<String, String> opening = new HashMap<>();

	private volatile @Nullable Instant newest;

	/** Per rendition, for a low-latency channel: what makes its segments from the encoder's parts; empty otherwise. */
	private final Map<String, PartAssembler> assemblers = new HashMap<>();

	/** Per rendition: the playlist before low-latency decoration, as last published. */
	private final Map<String, String> undecorated = new HashMap<>();

	/** Per rendition: the newest part the last published playlist named. */
	private final Map<String, Integer> publishedPart = new HashMap<>();

	/**
	 * @param published the playlists an earlier transcoder of the session published, by rendition: their segments
	 * are in storage, and their numbering and discontinuities go on
	 */
	HlsPublisher(ObjectStorage storage, AssetId asset, Path dir, List<String> renditions, Map<String, String> published,
			LongSupplier firstCapture, Consumer<String> firstSegment) {
		this(storage, asset, dir, renditions, published, firstCapture, firstSegment, null, 0);
	}

	/**
	 * @param lowLatency how the encoder cuts parts, for a low-latency channel (null: it writes segments itself)
	 * @param listSize the segments a playlist keeps, for a low-latency channel
	 */
	HlsPublisher(ObjectStorage storage, AssetId asset, Path dir, List<String> renditions, Map<String, String> published,
			LongSupplier firstCapture, Consumer<String> firstSegment, @Nullable LowLatency lowLatency, int listSize) {
		if (lowLatency != null) {
			for (String rendition : renditions) {
				assemblers.put(rendition, new PartAssembler(dir.resolve(rendition), lowLatency, listSize));
			}
		}
		this.firstCapture = firstCapture;
		this.storage = storage;
		published.forEach((rendition, text) -> {
			Map<String, Boolean> listed = segments(text);
			listed.keySet().forEach(uri -> {
				uploaded.add(rendition + "/" + uri);
				kept.add(rendition + "/" + uri);
			});
			// and its parts: in storage, retired like any once they leave the playlist
			for (String line : text.split("\n")) {
				var part = java.util.regex.Pattern.compile("^#EXT-X-PART:.*URI=\"([^\"]+)\"").matcher(line);
				if (part.find()) {
					uploaded.add(rendition + "/" + part.group(1));
				}
			}
			window.put(rendition, listed);
			discontinuitySequence.put(rendition, discontinuitySequence(text));
			seamDue.add(rendition); // this transcoder's encoder continues these playlists after a discontinuity
		});
		this.asset = asset;
		this.dir = dir;
		this.renditions = renditions;
		this.firstSegment = firstSegment;
	}

	/**
	 * A new encoder run continues the playlists (after a discontinuity of its own). Not under the publisher's monitor:
	 * the run calls this under its own, and publishing reads the run's capture clock under the publisher's.
	 */
	void newRun() {
		seamDue.addAll(renditions);
	}

	/**
	 * The playlists it continues go on with no seam of this publisher's own: a pipeline that takes the publication
	 * over continues them in step, and lists a discontinuity itself where there is one ({@link PipelineNumbering}).
	 */
	void continuesSeamlessly() {
		seamDue.clear();
	}

	/** A playlist as the encoder reads it to continue it: without the tag it would take for a discontinuity. */
	static String forEncoder(String playlist) {
		return PartAssembler.segmentsForEncoder(playlist).lines().filter(line -> !line.startsWith(DISCONTINUITY_SEQUENCE)).collect(
				java.util.stream.Collectors.joining("\n", "", "\n"));
	}

	/** Uploads what is new; safe to call from one thread at a time, as often as wanted. */
	synchronized void publish() {
		Map<String, List<PartAssembler.Part>> parts = new HashMap<>();
		int upTo = Integer.MAX_VALUE;
		for (var assembler : assemblers.entrySet()) {
			try {
				List<PartAssembler.Part> listed = assembler.getValue().listed();
				parts.put(assembler.getKey(), listed);
				upTo = Math.min(upTo, listed.isEmpty() ? -1 : listed.getLast().number());
			}
			catch (IOException | RuntimeException ex) {
				log.warn("Reading the parts of {} of live asset {} failed (retried next round): {}", assembler.getKey(),
						asset, ex.toString());
				return;
			}
		}
		for (var assembler : assemblers.entrySet()) {
			try {
				// each rendition to the newest part all of them have, so their playlists agree on the open segment
				assembler.getValue().advance(parts.get(assembler.getKey()), upTo);
			}
			catch (IOException | RuntimeException ex) {
				log.warn("Assembling {} of live asset {} failed (retried next round): {}", assembler.getKey(), asset,
						ex.toString());
			}
		}
		for (String rendition : renditions) {
			try {
				publish(rendition);
			}
			catch (IOException | RuntimeException ex) {
				log.warn("Publishing {} of live asset {} failed (retried next round): {}", rendition, asset, ex.toString());
			}
		}
	}

	private void publish(String rendition) throws IOException {
		PartAssembler assembler = assemblers.get(rendition);
		Path playlist = dir.resolve(rendition).resolve("index.m3u8");
		if (!Files.exists(playlist)) {
			return;
		}
		String raw = Files.readString(playlist, StandardCharsets.UTF_8);
		boolean changed = !raw.equals(written.get(rendition));
		if (!changed && (assembler == null || java.util.Objects.equals(publishedPart.get(rendition), assembler.newestPart()))) {
			return;
		}
		String text = changed ? sequenced(rendition, dated(rendition, raw)) : undecorated.get(rendition);
		String prefix = AssetKeys.mediaPrefix(asset) + rendition + "/";
		Map<String, Boolean> segments = segments(text);
		List<String> listed = new ArrayList<>(segments.keySet());
		if (assembler != null) {
			// parts first: a player reads a part the moment the playlist names it
			for (String part : assembler.listedParts()) {
				if (uploaded.contains(rendition + "/" + part)) {
					continue;
				}
				storage.put(prefix + part, dir.resolve(rendition).resolve(part), MediaTypes.MPEG_TS, ObjectStorage.IMMUTABLE);
				uploaded.add(rendition + "/" + part);
			}
		}
		for (String uri : listed) {
			if (uploaded.contains(rendition + "/" + uri)) {
				continue;
			}
			Path segment = dir.resolve(rendition).resolve(uri);
			if (!Files.exists(segment)) {
				// listed but gone: publishing this playlist would name a segment storage lacks
				log.warn("Segment {} of live asset {} is listed but missing; the playlist waits", uri, asset);
				return;
			}
			storage.put(prefix + uri, segment, MediaTypes.MPEG_TS, ObjectStorage.IMMUTABLE);
			uploaded.add(rendition + "/" + uri);
		}
		String published = assembler == null ? text : assembler.decorate(text) + reports(rendition);
		storage.put(prefix + "index.m3u8", published.getBytes(StandardCharsets.UTF_8), MediaTypes.HLS_PLAYLIST,
				LIVE_PLAYLIST);
		playlists.put(rendition, published);
		undecorated.put(rendition, text);
		written.put(rendition, raw);
		window.put(rendition, segments);
		if (rendition.equals(renditions.getFirst())) {
			Instant last = lastProgramDateTime(text);
			// a low-latency playlist's newest media is its newest part, a little after its newest segment began
			newest = last == null || assembler == null ? last
					: last.plusMillis(Math.round(assembler.newestPartOffset() * 1000));
		}
		if (assembler != null) {
			publishedPart.put(rendition, assembler.newestPart());
			listed.addAll(assembler.listedParts());
		}
		retire(rendition, prefix, listed);
		if (!listed.isEmpty() && started.add(rendition)) {
			try {
				firstSegment.accept(rendition);
			}
			catch (RuntimeException ex) {
				started.remove(rendition); // told again next round
				throw ex;
			}
		}
	}

	/** Where every other rendition's newest part is, for a low-latency playlist of {@code rendition}. */
	private String reports(String rendition) {
		StringBuilder reports = new StringBuilder();
		for (String other : renditions) {
			long[] position = other.equals(rendition) ? null : assemblers.get(other).newestPosition();
			if (position != null) {
				reports.append(PartAssembler.renditionReport(other, position)).append('\n');
			}
		}
		return reports.toString();
	}

	/**
	 * The playlist with its discontinuities counted as the spec asks: the encoder marks the start of each of its
	 * runs, which is no discontinuity at all for the session's first segment (dropped), and it never writes
	 * {@code EXT-X-DISCONTINUITY-SEQUENCE}, which must grow by one for each discontinuity that slides out of the
	 * window, or players that joined before would number the segments after it differently from those that join
	 * after.
	 */
	private String sequenced(String rendition, String playlist) {
		Map<String, Boolean> before = window.getOrDefault(rendition, Map.of());
		List<String> lines = new ArrayList<>(List.of(playlist.split("\n", -1)));
		String first = lines.stream().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElse(null);
		if (first != null && before.isEmpty() && !opening.containsKey(rendition)
				&& !discontinuitySequence.containsKey(rendition)) {
			opening.put(rendition, first.strip());
		}
		String opener = opening.get(rendition);
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).equals(DISCONTINUITY) && opener != null && opener.equals(nextSegment(lines, i))) {
				lines.remove(i--);
			}
		}
		lines.removeIf(line -> line.startsWith(DISCONTINUITY_SEQUENCE));
		String text = String.join("\n", lines);
		Map<String, Boolean> listing = segments(text);
		Set<String> now = listing.keySet();
		int gone = 0;
		for (Map.Entry<String, Boolean> segment : before.entrySet()) {
			if (now.contains(segment.getKey())) {
				break; // what slides out leaves from the front
			}
			gone += segment.getValue() ? 1 : 0;
		}
		if (seamDue.contains(rendition)) {
			boolean seamListed = listing.entrySet().stream().anyMatch(e -> e.getValue() && !before.containsKey(e.getKey()));
			boolean jumped = !before.isEmpty() && now.stream().noneMatch(before::containsKey);
			if (seamListed) {
				seamDue.remove(rendition); // counted when it slides out, as any
			}
			else if (jumped) {
				// the whole window is new and carries no seam: the run's seam came and went between two rounds
				gone++;
				seamDue.remove(rendition);
			}
		}
		int sequence = discontinuitySequence.merge(rendition, gone, Integer::sum);
		return text.replaceFirst("(?m)^(" + java.util.regex.Pattern.quote(MEDIA_SEQUENCE) + ".*)$",
				"$1\n" + DISCONTINUITY_SEQUENCE + sequence);
	}

	private static @Nullable String nextSegment(List<String> lines, int from) {
		for (int i = from + 1; i < lines.size(); i++) {
			String line = lines.get(i).strip();
			if (!line.isEmpty() && !line.startsWith("#")) {
				return line;
			}
		}
		return null;
	}

	/** A playlist's segments in order, each with whether a discontinuity tag precedes it. */
	static Map<String, Boolean> segments(String playlist) {
		Map<String, Boolean> segments = new java.util.LinkedHashMap<>();
		boolean discontinuity = false;
		for (String line : playlist.split("\n")) {
			String uri = line.strip();
			if (uri.equals(DISCONTINUITY)) {
				discontinuity = true;
			}
			else if (!uri.isEmpty() && !uri.startsWith("#")) {
				segments.put(uri, discontinuity);
				discontinuity = false;
			}
		}
		return segments;
	}

	static int discontinuitySequence(String playlist) {
		return playlist.lines()
			.filter(line -> line.startsWith(DISCONTINUITY_SEQUENCE))
			.map(line -> line.substring(DISCONTINUITY_SEQUENCE.length()).strip())
			.filter(value -> value.matches("[0-9]{1,9}"))
			.map(Integer::parseInt)
			.findFirst()
			.orElse(0);
	}

	/**
	 * Segments that slid out of the window are deleted from storage a minute later (a player holding an older
	 * playlist may still ask for them until then): an ended stream keeps only its last window, as its playlists
	 * say.
	 */
	private void retire(String rendition, String prefix, List<String> listed) {
		Instant now = Instant.now();
		Map<String, Instant> gone = retired.computeIfAbsent(rendition, r -> new java.util.LinkedHashMap<>());
		Set<String> still = new HashSet<>(listed);
		for (String name : uploaded) {
			if (name.startsWith(rendition + "/")) {
				String uri = name.substring(rendition.length() + 1);
				if (!still.contains(uri)) {
					gone.putIfAbsent(uri, now);
				}
			}
		}
		List<String> due = gone.entrySet()
			.stream()
			.filter(e -> e.getValue().isBefore(now.minus(RETIRE_AFTER)))
			.map(Map.Entry::getKey)
			.toList();
		if (!due.isEmpty()) {
			storage.deleteEach(due.stream().map(uri -> prefix + uri).toList());
			due.forEach(uri -> {
				gone.remove(uri);
				uploaded.remove(rendition + "/" + uri);
				dates.remove(rendition + "/" + uri);
				kept.remove(rendition + "/" + uri);
			});
		}
	}

	/**
	 * Closes every playlist: appends {@code #EXT-X-ENDLIST} to what was last published and publishes it, so players
	 * stop polling and the stream reads as ended.
	 */
	synchronized void end() {
		for (PartAssembler assembler : assemblers.values()) {
			try {
				assembler.finish();
			}
			catch (IOException ex) {
				log.warn("Sealing the last segment of live asset {} failed: {}", asset, ex.toString());
			}
		}
		publish();
		for (String rendition : renditions) {
			String text = playlists.get(rendition);
			if (text == null || text.contains(END)) {
				continue;
			}
			String ended = ended(text);
			storage.put(AssetKeys.mediaPrefix(asset) + rendition + "/index.m3u8", ended.getBytes(StandardCharsets.UTF_8),
					MediaTypes.HLS_PLAYLIST, LIVE_PLAYLIST);
			playlists.put(rendition, ended);
		}
	}

	/** A playlist with the end tag after its last line: players stop polling, the stream reads as ended. */
	static String ended(String playlist) {
		if (playlist.contains(END)) {
			return playlist;
		}
		String closed = PartAssembler.ended(playlist);
		return closed + END + "\n";
	}

	/**
	 * The playlist with true program date times. The encoder dates its first segment by the clock when its muxer
	 * started, after it had read and analysed the start of its input (a second or more), and each later one by
	 * adding durations; a frame is really from when it was captured. So when an encoder's run begins (its first
	 * segment follows a discontinuity), its lead is measured once: its first date minus when its first frame was
	 * captured ({@link CaptureClock}). Each new segment's date is moved back by its run's lead once, and kept.
	 */
	private String dated(String rendition, String playlist) {
		StringBuilder out = new StringBuilder(playlist.length());
		String pending = null;
		boolean discontinuity = false;
		for (String line : playlist.split("\n", -1)) {
			if (line.startsWith(PDT)) {
				pending = line.substring(PDT.length()).strip();
				continue;
			}
			if (line.equals(DISCONTINUITY)) {
				discontinuity = true;
			}
			if (pending != null && !line.isBlank() && !line.startsWith("#")) {
				String uri = rendition + "/" + line.strip();
				String stamp = pending;
				long run = firstCapture.getAsLong();
				if (!dates.containsKey(uri) && !kept.contains(uri) && (leadRun == null || discontinuity && leadRun != run)) {
					Instant at = parse(stamp);
					lead = at == null || run <= 0 ? 0 : at.toEpochMilli() - run;
					leadRun = run;
				}
				String date = dates.computeIfAbsent(uri,
						u -> kept.contains(u) ? stamp : shifted(stamp, lead));
				out.append(PDT).append(date).append('\n');
				pending = null;
				discontinuity = false;
			}
			out.append(line).append('\n');
		}
		out.setLength(Math.max(0, out.length() - 1));
		return out.toString();
	}

	private static String shifted(String stamp, long byMs) {
		Instant at = parse(stamp);
		return at == null ? stamp : java.time.format.DateTimeFormatter.ISO_INSTANT
			.format(at.minusMillis(byMs).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
	}

	/**
	 * Closes the playlists of a live asset whose transcoder is gone (it ended with its instance): what storage has
	 * gets the end tag.
	 */
	static void closeAll(ObjectStorage storage, AssetId asset) {
		for (var object : storage.list(AssetKeys.mediaPrefix(asset))) {
			if (!object.key().endsWith("/index.m3u8")) {
				continue;
			}
			storage.open(object.key(), null).ifPresent(in -> {
				try (in) {
					String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
					String ended = ended(text);
					if (!ended.equals(text)) {
						storage.put(object.key(), ended.getBytes(StandardCharsets.UTF_8), MediaTypes.HLS_PLAYLIST,
								LIVE_PLAYLIST);
					}
				}
				catch (IOException ex) {
					log.warn("Could not close {}: {}", object.key(), ex.toString());
				}
			});
		}
	}

	/** When the newest published segment of the top rendition started, by its program date time. */
	@Nullable Instant newest() {
		return newest;
	}

	boolean allStarted() {
		return started.containsAll(renditions);
	}

	private static @Nullable Instant parse(String value) {
		try {
			return OffsetDateTime.parse(value.replaceAll("([+-]\\d\\d)(\\d\\d)$", "$1:$2")).toInstant();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	static @Nullable Instant lastProgramDateTime(String playlist) {
		Instant last = null;
		for (String line : playlist.split("\n")) {
			if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
				Instant parsed = parse(line.substring(PDT.length()).strip());
				if (parsed != null) {
					last = parsed; // an unreadable date leaves the last good one
				}
			}
		}
		return last;
	}

}
