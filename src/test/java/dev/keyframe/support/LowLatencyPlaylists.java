package dev.keyframe.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of RFC 8216bis (LL-HLS) a low-latency media playlist must keep, checked on its text, parsed here again
 * rather than with the code under test.
 */
public final class LowLatencyPlaylists {

	private static final Pattern DURATION = Pattern.compile("DURATION=([0-9.]+)");

	private static final Pattern URI = Pattern.compile("URI=\"([^\"]+)\"");

	private LowLatencyPlaylists() {
	}

	/**
	 * Checks: a part target of {@code partTarget}; blocking reload offered with a part hold-back of at least two
	 * part targets (4.4.3.8); every part at most the target, and every one but a segment's last at least 85% of it
	 * (4.4.4.9); a segment's parts adding up to its duration, the first of them independent (it opens with a
	 * keyframe); part names used once; at most one preload hint, last, naming a part after the newest listed,
	 * followed by nothing but rendition reports; and, once the playlist ended, no hint at all.
	 */
	public static void checkRules(String playlist, double partTarget) {
		assertThat(playlist).startsWith("#EXTM3U")
			.contains(String.format(java.util.Locale.ROOT, "#EXT-X-PART-INF:PART-TARGET=%.3f", partTarget));
		Matcher holdBack = Pattern.compile("#EXT-X-SERVER-CONTROL:.*CAN-BLOCK-RELOAD=YES.*PART-HOLD-BACK=([0-9.]+)")
			.matcher(playlist);
		assertThat(holdBack.find()).as("server control with blocking reload and a part hold-back").isTrue();
		assertThat(Double.parseDouble(holdBack.group(1))).isGreaterThanOrEqualTo(2 * partTarget);
		List<String> lines = List.of(playlist.split("\n"));
		List<Double> parts = new ArrayList<>();
		Set<String> names = new HashSet<>();
		int hints = 0;
		long newest = -1;
		boolean segmentStart = true;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (line.startsWith("#EXT-X-PART:")) {
				assertThat(hints).as("no part after the preload hint").isZero();
				Matcher d = DURATION.matcher(line);
				Matcher u = URI.matcher(line);
				assertThat(d.find() && u.find()).as("a part has a duration and a URI: %s", line).isTrue();
				double duration = Double.parseDouble(d.group(1));
				assertThat(duration).as("part %s", u.group(1)).isLessThanOrEqualTo(partTarget + 0.001);
				assertThat(names.add(u.group(1))).as("part %s listed once", u.group(1)).isTrue();
				if (segmentStart) {
					assertThat(line).as("a segment's first part can be played on its own").contains("INDEPENDENT=YES");
				}
				segmentStart = false;
				newest = Math.max(newest, number(u.group(1)));
				parts.add(duration);
			}
			else if (line.startsWith("#EXTINF:")) {
				double segment = Double.parseDouble(line.substring(8).split(",")[0]);
				if (!parts.isEmpty()) {
					assertThat(parts.stream().mapToDouble(Double::doubleValue).sum()).as("the parts of segment at line %d", i)
						.isCloseTo(segment, org.assertj.core.data.Offset.offset(0.002));
					checkShortParts(parts.subList(0, parts.size() - 1), partTarget);
				}
				parts.clear();
			}
			else if (!line.isBlank() && !line.startsWith("#")) {
				segmentStart = true;
			}
			else if (line.equals("#EXT-X-DISCONTINUITY")) {
				checkShortParts(parts.isEmpty() ? parts : parts.subList(0, parts.size() - 1), partTarget);
				parts.clear();
			}
			else if (line.startsWith("#EXT-X-PRELOAD-HINT:")) {
				hints++;
				Matcher u = URI.matcher(line);
				assertThat(u.find()).isTrue();
				assertThat(names).as("the hinted part is not listed yet").doesNotContain(u.group(1));
				assertThat(number(u.group(1))).as("the hint names a part after the newest").isGreaterThan(newest);
			}
			else if (line.startsWith("#EXT-X-RENDITION-REPORT:")) {
				assertThat(line).as("a rendition report names a playlist and its newest part")
					.matches("#EXT-X-RENDITION-REPORT:URI=\"[^\"]+\",LAST-MSN=[0-9]+,LAST-PART=[0-9]+");
			}
			else if (hints > 0 && !line.isBlank()) {
				assertThat(line).as("only rendition reports after the preload hint").isEmpty();
			}
		}
		checkShortParts(parts, partTarget);
		assertThat(hints).as("at most one preload hint").isLessThanOrEqualTo(1);
		if (playlist.contains("#EXT-X-ENDLIST")) {
			assertThat(hints).as("no hint once the playlist ended").isZero();
		}
	}

	private static long number(String part) {
		Matcher n = Pattern.compile("([0-9]+)\\.[a-z0-9]+$").matcher(part);
		assertThat(n.find()).as("a numbered part: %s", part).isTrue();
		return Long.parseLong(n.group(1));
	}

	private static void checkShortParts(List<Double> parts, double partTarget) {
		for (double part : parts) {
			assertThat(part).as("a part that does not end its segment").isGreaterThanOrEqualTo(0.85 * partTarget);
		}
	}

}
