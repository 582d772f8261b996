package dev.keyframe.catalog.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.keyframe.platform.Invalid;

/**
 * Language tags as players match them (BCP 47, {@code en}, {@code pt-BR}), from what editors type and from what media
 * files carry (ISO 639-2, {@code eng}, {@code ger}), and the names players show for them.
 */
public final class Languages {

	/** The tag of a stream whose language is not known. */
	public static final String UNDETERMINED = "und";

	/** A BCP 47 language tag as players match it: a language, then script, region or variant subtags. */
	private static final Pattern TAG = Pattern.compile("[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}");

	/** ISO 639-2's bibliographic codes, which media files often carry, for the languages whose terminology code differs. */
	private static final Map<String, String> BIBLIOGRAPHIC = Map.ofEntries(Map.entry("alb", "sq"), Map.entry("arm", "hy"),
			Map.entry("baq", "eu"), Map.entry("bur", "my"), Map.entry("chi", "zh"), Map.entry("cze", "cs"),
			Map.entry("dut", "nl"), Map.entry("fre", "fr"), Map.entry("geo", "ka"), Map.entry("ger", "de"),
			Map.entry("gre", "el"), Map.entry("ice", "is"), Map.entry("mac", "mk"), Map.entry("mao", "mi"),
			Map.entry("may", "ms"), Map.entry("per", "fa"), Map.entry("rum", "ro"), Map.entry("slo", "sk"),
			Map.entry("tib", "bo"), Map.entry("wel", "cy"));

	private static final Map<String, String> TWO_LETTERS = new HashMap<>();

	static {
		for (String language : Locale.getISOLanguages()) {
			TWO_LETTERS.put(Locale.of(language).getISO3Language(), language);
		}
	}

	private Languages() {
	}

	/** A stream's language tag as players match it: {@code eng} and {@code en} as {@code en}; none as {@code und}. */
	public static String fromStream(@Nullable String tag) {
		if (tag == null || tag.isBlank()) {
			return UNDETERMINED;
		}
		String value = tag.strip().toLowerCase(Locale.ROOT);
		if (value.length() == 3) {
			value = BIBLIOGRAPHIC.getOrDefault(value, TWO_LETTERS.getOrDefault(value, value));
		}
		return TAG.matcher(value).matches() ? Locale.forLanguageTag(value).toLanguageTag() : UNDETERMINED;
	}

	/**
	 * A tag an editor typed, in its canonical form ({@code pt-br} as {@code pt-BR}).
	 * @throws Invalid when it is not a language tag
	 */
	public static String typed(@Nullable String raw) {
		String value = raw == null ? "" : raw.strip();
		if (!TAG.matcher(value).matches()) {
			throw new Invalid("\u201C" + value.replaceAll("\\p{Cntrl}", "?")
					+ "\u201D is not a language tag: use one like en, de, pt-BR or zh-Hant.");
		}
		return Locale.forLanguageTag(value).toLanguageTag();
	}

	/** The language's own name, as its speakers write it ({@code Deutsch}), or null when Java does not know it. */
	public static @Nullable String ownName(String language) {
		if (UNDETERMINED.equals(language)) {
			return null;
		}
		Locale locale = Locale.forLanguageTag(language);
		String own = locale.getDisplayName(locale);
		return own.isEmpty() || own.equals(language) ? null : own.substring(0, 1).toUpperCase(locale) + own.substring(1);
	}

	/**
	 * A name for players' menus as an editor or a file gave it: without control characters, quotes or bidirectional
	 * overrides, stripped; empty when nothing is left.
	 * @throws Invalid when longer than 100 characters
	 */
	public static String cleanName(@Nullable String raw) {
		String value = raw == null ? "" : raw.replaceAll("[\\p{Cntrl}\"\\u202A-\\u202E]", "").strip();
		if (value.length() > 100) {
			throw new Invalid("A track's name is at most 100 characters.");
		}
		return value;
	}

}
