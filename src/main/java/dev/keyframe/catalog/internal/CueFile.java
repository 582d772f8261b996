package dev.keyframe.catalog.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.keyframe.platform.Invalid;

/**
 * A captions or subtitles file, WebVTT or SubRip, read strictly: what cannot be read is refused with the line it is
 * on, so an editor can mend the file, and nothing is published from a file that was not understood. What is read
 * becomes WebVTT: SubRip's markup is kept where WebVTT has it ({@code <i> <b> <u>}) and dropped where it has not
 * ({@code <font>}, {@code {\an8}}); a WebVTT file's cue settings are kept, its notes, styles and regions are not.
 *
 * @param cues in order of their start
 */
public record CueFile(Format format, List<Cue> cues) {

	/** The most cues one file may hold: a feature film has 1,000 to 2,000. */
	public static final int MAX_CUES = 50_000;

	public enum Format {

		WEBVTT, SUBRIP

	}

	/**
	 * One cue: its times in milliseconds, WebVTT cue settings (may be empty), and its text in WebVTT's markup.
	 * @param line where its timing is in the file, for errors about it
	 */
	public record Cue(long startMs, long endMs, String settings, String text, int line) {
	}

	private static final Pattern SRT_TIMING = Pattern.compile(
			"(\\d{1,3}):(\\d{1,2}):(\\d{1,2})[,.](\\d{1,3})\\s*-->\\s*(\\d{1,3}):(\\d{1,2}):(\\d{1,2})[,.](\\d{1,3})(\\s.*)?");

	private static final Pattern VTT_TIMESTAMP = Pattern.compile("(?:(\\d{2,}):)?(\\d{2}):(\\d{2})\\.(\\d{3})");

	private static final Pattern VTT_TIMING = Pattern
		.compile("(" + VTT_TIMESTAMP.pattern() + ")[ \\t]+-->[ \\t]+(" + VTT_TIMESTAMP.pattern() + ")([ \\t].*)?");

	private static final Pattern VTT_SETTING = Pattern.compile("(vertical|line|position|size|align|region):\\S+");

	/** SubRip tags WebVTT has too; any other tag is dropped, its text kept. */
	private static final Pattern SRT_TAG = Pattern.compile("</?([a-zA-Z]+)[^>]*>");

	private static final Pattern ASS_OVERRIDE = Pattern.compile("\\{\\\\[^}]*}");

	private static final Pattern ENTITY = Pattern.compile("&(amp|lt|gt|lrm|rlm|nbsp|#\\d{1,7}|#x[0-9a-fA-F]{1,6});");

	/**
	 * Reads a file as uploaded.
	 * @throws Invalid with the line number and what is wrong there, for a file that is not a cue file
	 */
	public static CueFile parse(byte[] bytes) {
		String text = decode(bytes);
		if (text.startsWith("\uFEFF")) {
			text = text.substring(1);
		}
		List<String> lines = List.of(text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1));
		int first = 0;
		while (first < lines.size() && lines.get(first).isBlank()) {
			first++;
		}
		if (first == lines.size()) {
			throw new Invalid("The file is empty: it has no cues.");
		}
		String head = lines.get(first).strip();
		List<Cue> cues;
		Format format;
		if (first == 0 && isWebVttHeader(lines.get(0))) {
			format = Format.WEBVTT;
			cues = webVtt(lines);
		}
		else if (head.matches("\\d+") || SRT_TIMING.matcher(head).matches()) {
			format = Format.SUBRIP;
			cues = subRip(lines, first);
		}
		else {
			throw new Invalid("Line " + (first + 1) + ": a WebVTT file starts with WEBVTT and a SubRip file with a cue "
					+ "number or time range; this one starts with \u201C" + shown(head) + "\u201D.");
		}
		if (cues.isEmpty()) {
			throw new Invalid("The file has no cues: nothing would be shown.");
		}
		if (cues.size() > MAX_CUES) {
			throw new Invalid("The file has " + cues.size() + " cues; at most " + MAX_CUES + " are taken.");
		}
		List<Cue> ordered = new ArrayList<>(cues);
		ordered.sort(Comparator.comparingLong(Cue::startMs)); // stable: cues that start together keep their order
		return new CueFile(format, List.copyOf(ordered));
	}

	private static boolean isWebVttHeader(String line) {
		return line.startsWith("WEBVTT") && (line.length() == 6 || line.charAt(6) == ' ' || line.charAt(6) == '\t');
	}

	/** UTF-8, strictly: a file in another encoding would show as mojibake, so it is refused with where it breaks. */
	private static String decode(byte[] bytes) {
		int probe = Math.min(bytes.length, 4096);
		for (int i = 0; i < probe; i++) {
			if (bytes[i] == 0) {
				throw new Invalid("This is not a text file (it holds binary data): upload a WebVTT (.vtt) or SubRip "
						+ "(.srt) file.");
			}
		}
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer in = ByteBuffer.wrap(bytes);
		CharBuffer out = CharBuffer.allocate(bytes.length + 1);
		CoderResult result = decoder.decode(in, out, true);
		if (result.isError()) {
			int line = 1;
			for (int i = 0; i < in.position(); i++) {
				if (bytes[i] == '\n') {
					line++;
				}
			}
			throw new Invalid("Line " + line + " is not UTF-8 text: save the file as UTF-8 (Unicode) and upload it "
					+ "again.");
		}
		try {
			decoder.flush(out);
		}
		catch (RuntimeException ex) {
			throw new Invalid("The file is not UTF-8 text: save it as UTF-8 (Unicode) and upload it again.");
		}
		out.flip();
		String text = out.toString();
		if (text.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
			throw new Invalid("The file holds control characters: it is not a WebVTT or SubRip file.");
		}
		return text;
	}

	private static List<Cue> subRip(List<String> lines, int from) {
		List<Cue> cues = new ArrayList<>();
		int i = from;
		while (i < lines.size()) {
			if (lines.get(i).isBlank()) {
				i++;
				continue;
			}
			String line = lines.get(i).strip();
			if (line.matches("\\d+")) {
				i++;
				if (i >= lines.size() || lines.get(i).isBlank()) {
					throw new Invalid("Line " + i + ": cue " + line + " has no time range after its number.");
				}
				line = lines.get(i).strip();
			}
			Matcher timing = SRT_TIMING.matcher(line);
			if (!timing.matches()) {
				throw new Invalid("Line " + (i + 1) + ": expected a time range like 00:00:01,000 --> 00:00:03,500, found \u201C"
						+ shown(line) + "\u201D.");
			}
			int at = i + 1;
			long start = srtTime(timing, 1, at);
			long end = srtTime(timing, 5, at);
			checkOrder(start, end, at);
			i++;
			List<String> text = new ArrayList<>();
			while (i < lines.size() && !lines.get(i).isBlank()) {
				text.add(fromSubRip(lines.get(i).strip()));
				i++;
			}
			String joined = String.join("\n", text).strip();
			if (!joined.isEmpty()) {
				cues.add(new Cue(start, end, "", joined, at));
			}
		}
		return cues;
	}

	private static long srtTime(Matcher m, int group, int line) {
		long hours = Long.parseLong(m.group(group));
		long minutes = Long.parseLong(m.group(group + 1));
		long seconds = Long.parseLong(m.group(group + 2));
		String fraction = m.group(group + 3);
		long millis = Long.parseLong((fraction + "00").substring(0, 3));
		if (minutes > 59 || seconds > 59) {
			throw new Invalid("Line " + line + ": " + m.group(group) + ":" + m.group(group + 1) + ":" + m.group(group + 2)
					+ " is not a time (minutes and seconds go up to 59).");
		}
		return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
	}

	/** SubRip's markup as WebVTT's: {@code <i> <b> <u>} kept, other tags and ASS overrides dropped, text escaped. */
	static String fromSubRip(String line) {
		String plain = ASS_OVERRIDE.matcher(line).replaceAll("");
		StringBuilder out = new StringBuilder();
		Matcher tag = SRT_TAG.matcher(plain);
		int last = 0;
		while (tag.find()) {
			out.append(escape(plain.substring(last, tag.start())));
			String name = tag.group(1).toLowerCase(Locale.ROOT);
			if (name.equals("i") || name.equals("b") || name.equals("u")) {
				out.append(tag.group().startsWith("</") ? "</" + name + ">" : "<" + name + ">");
			}
			last = tag.end();
		}
		out.append(escape(plain.substring(last)));
		return out.toString();
	}

	/** Text as WebVTT cue text: {@code &} and {@code <} escaped unless already an entity, no {@code -->}. */
	private static String escape(String text) {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '&') {
				Matcher entity = ENTITY.matcher(text).region(i, text.length());
				out.append(entity.lookingAt() ? "&" : "&amp;");
			}
			else if (c == '<') {
				out.append("&lt;");
			}
			else if (c == '>') {
				out.append("&gt;");
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

	private static List<Cue> webVtt(List<String> lines) {
		List<Cue> cues = new ArrayList<>();
		int i = 1;
		// the header block runs to the first blank line
		while (i < lines.size() && !lines.get(i).isBlank()) {
			if (lines.get(i).contains("-->")) {
				throw new Invalid("Line " + (i + 1) + ": a blank line must follow the WEBVTT line before the first cue.");
			}
			i++;
		}
		while (i < lines.size()) {
			if (lines.get(i).isBlank()) {
				i++;
				continue;
			}
			String line = lines.get(i);
			if (block(line, "NOTE") || block(line, "STYLE") || block(line, "REGION")) {
				while (i < lines.size() && !lines.get(i).isBlank()) {
					i++;
				}
				continue;
			}
			if (!line.contains("-->")) {
				// an identifier: the timing follows on the next line
				i++;
				if (i >= lines.size() || lines.get(i).isBlank()) {
					throw new Invalid("Line " + i + ": \u201C" + shown(line.strip())
							+ "\u201D is followed by no cue timing (like 00:01.000 --> 00:04.000).");
				}
				line = lines.get(i);
			}
			int at = i + 1;
			Matcher timing = VTT_TIMING.matcher(line.strip());
			if (!timing.matches()) {
				throw new Invalid("Line " + at + ": expected a cue timing like 00:01.000 --> 00:04.000, found \u201C"
						+ shown(line.strip()) + "\u201D.");
			}
			long start = vttTime(timing.group(1), at);
			long end = vttTime(timing.group(6), at);
			checkOrder(start, end, at);
			String settings = settings(timing.group(11));
			i++;
			List<String> text = new ArrayList<>();
			while (i < lines.size() && !lines.get(i).isBlank()) {
				if (lines.get(i).contains("-->")) {
					throw new Invalid("Line " + (i + 1) + ": a cue's text cannot hold \u201C-->\u201D; is a blank line "
							+ "missing before this cue?");
				}
				text.add(lines.get(i).strip());
				i++;
			}
			String joined = String.join("\n", text).strip();
			if (!joined.isEmpty()) {
				cues.add(new Cue(start, end, settings, joined, at));
			}
		}
		return cues;
	}

	private static boolean block(String line, String word) {
		return line.startsWith(word) && (line.length() == word.length() || Character.isWhitespace(line.charAt(word.length())));
	}

	private static long vttTime(String value, int line) {
		Matcher m = VTT_TIMESTAMP.matcher(value);
		if (!m.matches()) {
			throw new Invalid("Line " + line + ": " + value + " is not a time.");
		}
		long hours = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
		long minutes = Long.parseLong(m.group(2));
		long seconds = Long.parseLong(m.group(3));
		if (minutes > 59 || seconds > 59) {
			throw new Invalid("Line " + line + ": " + value + " is not a time (minutes and seconds go up to 59).");
		}
		return ((hours * 60 + minutes) * 60 + seconds) * 1000 + Long.parseLong(m.group(4));
	}

	/** The cue settings WebVTT defines; anything else (which players ignore) is left out. */
	private static String settings(String raw) {
		if (raw == null || raw.isBlank()) {
			return "";
		}
		List<String> kept = new ArrayList<>();
		for (String token : raw.strip().split("[ \\t]+")) {
			if (VTT_SETTING.matcher(token).matches()) {
				kept.add(token);
			}
		}
		return String.join(" ", kept);
	}

	private static void checkOrder(long start, long end, int line) {
		if (end <= start) {
			throw new Invalid("Line " + line + ": the cue ends (" + timestamp(end) + ") before it starts ("
					+ timestamp(start) + ").");
		}
	}

	private static String shown(String text) {
		String clean = text.replaceAll("\\p{Cntrl}", "?");
		return clean.length() > 60 ? clean.substring(0, 60) + "\u2026" : clean;
	}

	/** A WebVTT timestamp, {@code 01:02:03.456}. */
	public static String timestamp(long millis) {
		return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", millis / 3_600_000, millis / 60_000 % 60,
				millis / 1000 % 60, millis % 1000);
	}

	/** Where the last cue ends. */
	public long endMs() {
		return cues.stream().mapToLong(Cue::endMs).max().orElse(0);
	}

	/** The whole file as WebVTT, its times from the start of the asset. */
	public String webVtt() {
		return webVtt(null, 0, Long.MAX_VALUE);
	}

	/**
	 * The cues shown between {@code fromMs} and {@code toMs} as one WebVTT segment of an HLS subtitles playlist:
	 * a cue that spans segments is in each of them (players show it once), and the header maps its times onto the
	 * media's: time 0 of the cues is {@code mpegtsOrigin} on the 90 kHz clock of the asset's segments.
	 */
	public String segment(long mpegtsOrigin, long fromMs, long toMs) {
		return webVtt(mpegtsOrigin, fromMs, toMs);
	}

	private String webVtt(Long mpegtsOrigin, long fromMs, long toMs) {
		StringBuilder out = new StringBuilder("WEBVTT\n");
		if (mpegtsOrigin != null) {
			out.append("X-TIMESTAMP-MAP=MPEGTS:").append(mpegtsOrigin).append(",LOCAL:00:00:00.000\n");
		}
		out.append('\n');
		for (Cue cue : cues) {
			if (cue.startMs() < toMs && cue.endMs() > fromMs) {
				out.append(timestamp(cue.startMs())).append(" --> ").append(timestamp(cue.endMs()));
				if (!cue.settings().isEmpty()) {
					out.append(' ').append(cue.settings());
				}
				out.append('\n').append(cue.text()).append("\n\n");
			}
		}
		return out.toString();
	}

}
