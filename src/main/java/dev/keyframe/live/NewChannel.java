package dev.keyframe.live;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.keyframe.platform.Invalid;

/**
 * A channel as an editor describes it.
 *
 * @param ladder the names of the configured rungs to make (null or empty: all); rungs taller than the feed are
 *     skipped when it arrives
 * @param rtmpOutputs where to push the feed by RTMP as well ({@code rtmp://host/app/streamKey}), each supervised on
 *     its own
 * @param reconnectWindowSeconds how long a dropped feed may take to come back and continue the same session
 * @param dvrWindowSeconds how far back viewers may seek (0: a short sliding window)
 * @param latency {@value #STANDARD} (segments, the default) or {@value #LOW}: low-latency HLS, half-second parts
 *     that players fetch as they are made, a few seconds behind the camera instead of ten or more
 * @param pipelines 1 (the default), or 2: each session runs on two transcoder instances making the same segments, one
 *     publishing and the other in step, so that losing one changes nothing a viewer sees (standard latency only)
 */
public record NewChannel(String title, @Nullable List<String> ladder, @Nullable List<String> rtmpOutputs,
		@Nullable Integer reconnectWindowSeconds, @Nullable Integer dvrWindowSeconds, @Nullable String latency,
		@Nullable Integer pipelines) {

	/** Classic HLS: whole segments, a player some three segments behind. */
	public static final String STANDARD = "STANDARD";

	/** Low-latency HLS: parts, preload hints and blocking playlist reload. */
	public static final String LOW = "LOW";

	/** A channel of one pipeline. */
	public NewChannel(String title, @Nullable List<String> ladder, @Nullable List<String> rtmpOutputs,
			@Nullable Integer reconnectWindowSeconds, @Nullable Integer dvrWindowSeconds, @Nullable String latency) {
		this(title, ladder, rtmpOutputs, reconnectWindowSeconds, dvrWindowSeconds, latency, 1);
	}

	/** A channel of classic latency. */
	public NewChannel(String title, @Nullable List<String> ladder, @Nullable List<String> rtmpOutputs,
			@Nullable Integer reconnectWindowSeconds, @Nullable Integer dvrWindowSeconds) {
		this(title, ladder, rtmpOutputs, reconnectWindowSeconds, dvrWindowSeconds, STANDARD);
	}

	NewChannel validated(List<String> rungs) {
		String cleanTitle = title == null ? "" : title.replaceAll("[\\p{Cntrl}\\u202A-\\u202E]", "").strip();
		if (cleanTitle.isEmpty() || cleanTitle.length() > 300) {
			throw bad("A channel title is 1 to 300 characters.");
		}
		List<String> chosen = ladder == null || ladder.isEmpty() ? rungs
				: ladder.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).distinct().toList();
		for (String rung : chosen) {
			if (!rungs.contains(rung)) {
				throw bad("\u201C" + rung.replaceAll("\\p{Cntrl}", "?") + "\u201D is not a live rung; choose from "
						+ String.join(", ", rungs) + ".");
			}
		}
		List<String> outputs = rtmpOutputs == null ? List.of()
				: rtmpOutputs.stream().map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
		if (outputs.size() > 5) {
			throw bad("A channel pushes to at most 5 RTMP outputs.");
		}
		for (String output : outputs) {
			URI uri;
			try {
				uri = URI.create(output);
			}
			catch (IllegalArgumentException ex) {
				throw bad("\u201C" + output.replaceAll("\\p{Cntrl}", "?") + "\u201D is not a URL.");
			}
			if (!("rtmp".equals(uri.getScheme()) || "rtmps".equals(uri.getScheme())) || uri.getHost() == null
					|| output.length() > 1000) {
				throw bad("An RTMP output is rtmp://host[:port]/app/streamKey (or rtmps://), not \u201C"
						+ output.replaceAll("\\p{Cntrl}", "?") + "\u201D.");
			}
		}
		int reconnect = reconnectWindowSeconds == null ? 30 : reconnectWindowSeconds;
		if (reconnect < 0 || reconnect > 3600) {
			throw bad("The reconnect window is 0 to 3600 seconds.");
		}
		int dvr = dvrWindowSeconds == null ? 0 : dvrWindowSeconds;
		if (dvr < 0 || dvr > 21600) {
			throw bad("The DVR window is 0 to 21600 seconds (6 hours).");
		}
		String mode = latency == null || latency.isBlank() ? STANDARD : latency.strip().toUpperCase(Locale.ROOT);
		if (!mode.equals(STANDARD) && !mode.equals(LOW)) {
			throw bad("The latency is " + STANDARD + " or " + LOW + ", not \u201C"
					+ latency.replaceAll("\\p{Cntrl}", "?") + "\u201D.");
		}
		int redundancy = pipelines == null ? 1 : pipelines;
		if (redundancy != 1 && redundancy != 2) {
			throw bad("A channel runs on 1 or 2 pipelines, not " + redundancy + ".");
		}
		if (redundancy == 2 && mode.equals(LOW)) {
			throw bad("Two pipelines publish standard-latency HLS only: choose " + STANDARD
					+ " latency, or one pipeline for low latency.");
		}
		return new NewChannel(cleanTitle, rungs.stream().filter(chosen::contains).toList(), outputs, reconnect, dvr,
				mode, redundancy);
	}

	private static Invalid bad(String message) {
		return new Invalid(message);
	}

}
