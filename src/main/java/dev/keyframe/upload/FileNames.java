package dev.keyframe.upload;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import dev.keyframe.platform.Invalid;


/**
 * What a client says about its file is kept only as text to show: control characters and path parts are
 * removed, lengths are bounded, and nothing of it reaches a storage key or a command line.
 */
final class FileNames {

	private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\p{Zl}\\p{Zp}\\u200B-\\u200F\\u202A-\\u202E]");

	private static final Pattern CONTENT_TYPE = Pattern.compile("^[\\w.+-]+/[\\w.+-]+$");

	private FileNames() {
	}

	static String clean(@Nullable String filename) {
		if (filename == null) {
			throw new Invalid("The file name is missing.");
		}
		String name = text(filename);
		name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).strip();
		if (name.isEmpty() || name.equals(".") || name.equals("..")) {
			throw new Invalid("The file name is empty or not a name: '" + trim(text(filename), 80) + "'.");
		}
		return trim(name, 255);
	}

	/** Text to show: without control and direction-changing characters, trimmed. */
	static String text(String text) {
		return CONTROL.matcher(text).replaceAll("").strip();
	}

	static String contentType(@Nullable String contentType) {
		if (contentType == null || contentType.isBlank()) {
			return "application/octet-stream";
		}
		String type = contentType.strip().toLowerCase(Locale.ROOT);
		return CONTENT_TYPE.matcher(type).matches() && type.length() <= 255 ? type : "application/octet-stream";
	}

	static String title(String filename) {
		int dot = filename.lastIndexOf('.');
		return trim(dot > 0 ? filename.substring(0, dot) : filename, 300);
	}

	static String trim(String text, int max) {
		return text.length() <= max ? text : text.substring(0, max);
	}

	static String human(long bytes) {
		if (bytes < 1024) {
			return bytes + " bytes";
		}
		String[] units = { "KiB", "MiB", "GiB", "TiB" };
		double value = bytes;
		int unit = -1;
		while (value >= 1024 && unit < units.length - 1) {
			value /= 1024;
			unit++;
		}
		return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
	}

	/** 1, 2, 3, 7 becomes "parts 1-3, 7". */
	static String ranges(List<Integer> numbers) {
		StringBuilder out = new StringBuilder(numbers.size() == 1 ? "part " : "parts ");
		for (int i = 0; i < numbers.size(); i++) {
			int start = numbers.get(i);
			int end = start;
			while (i + 1 < numbers.size() && numbers.get(i + 1) == end + 1) {
				end = numbers.get(++i);
			}
			if (out.length() > 6) {
				out.append(", ");
			}
			out.append(start == end ? String.valueOf(start) : start + "-" + end);
		}
		return out.toString();
	}

}
