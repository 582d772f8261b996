package dev.keyframe.transcode.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The segments one job (one chunk of a rendition) has stored, in order: the first one's number in the rendition,
 * each one's duration, their bytes and the highest bit rate of any of them.
 */
public record StoredSegments(int first, List<Double> durations, long bytes, long peakBps) {

	public static final StoredSegments NONE = new StoredSegments(0, List.of(), 0, 0);

	public StoredSegments {
		durations = List.copyOf(durations);
	}

	public int count() {
		return durations.size();
	}

	public double duration() {
		return durations.stream().mapToDouble(Double::doubleValue).sum();
	}

	/** The durations as stored in the job's row. */
	public String durationsText() {
		return durations.stream().map(d -> String.format(Locale.ROOT, "%.6f", d)).collect(Collectors.joining(","));
	}

	public static List<Double> parseDurations(@Nullable String text) {
		return text == null || text.isBlank() ? List.of() : Arrays.stream(text.split(",")).map(Double::valueOf).toList();
	}

}
