package dev.keyframe.transcode.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Verifies the keyframe contract after encoding: every segment of a rendition starts on a keyframe, and
 * segment N starts at the same time in every rendition of the asset.
 */
public final class Alignment {

	private Alignment() {
	}

	/**
	 * @param boundaries where this rendition's segments start (seconds from its first)
	 * @param keyframes this rendition's keyframe times (seconds from its first), or null for audio
	 * @param others other renditions' boundaries, by profile
	 * @param tolerance how far apart two times may be and still count as the same
	 * @return what is wrong, for a person, or empty when aligned
	 */
	public static Optional<String> check(String profile, List<Double> boundaries, @Nullable List<Double> keyframes,
			Map<String, List<Double>> others, double tolerance) {
		if (keyframes != null) {
			for (int i = 0; i < boundaries.size(); i++) {
				double start = boundaries.get(i);
				if (keyframes.stream().noneMatch(k -> Math.abs(k - start) <= tolerance)) {
					return Optional.of(String.format(Locale.ROOT,
							"Rendition %s: segment %d starts at %.3f s, where there is no keyframe.", profile, i, start));
				}
			}
		}
		return compare(profile, boundaries, true, others.entrySet()
			.stream()
			.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> new Published(e.getValue(), true))),
				tolerance);
	}

	/** Another rendition's boundaries, and whether it is complete or still growing. */
	public record Published(List<Double> boundaries, boolean complete) {
	}

	/**
	 * Compares a rendition's segment boundaries with the asset's other renditions over the segments both have:
	 * segment N must start at the same time in each. Two complete renditions must also have as many segments.
	 */
	public static Optional<String> compare(String profile, List<Double> boundaries, boolean complete,
			Map<String, Published> others, double tolerance) {
		for (var other : others.entrySet()) {
			List<Double> theirs = other.getValue().boundaries();
			if (complete && other.getValue().complete() && theirs.size() != boundaries.size()) {
				return Optional.of(String.format(Locale.ROOT,
						"Renditions are not keyframe-aligned: %s has %d segments but %s has %d.", profile,
						boundaries.size(), other.getKey(), theirs.size()));
			}
			for (int i = 0; i < Math.min(boundaries.size(), theirs.size()); i++) {
				if (Math.abs(boundaries.get(i) - theirs.get(i)) > tolerance) {
					return Optional.of(String.format(Locale.ROOT,
							"Renditions are not keyframe-aligned: segment %d starts at %.3f s in %s but at %.3f s in %s.",
							i, boundaries.get(i), profile, theirs.get(i), other.getKey()));
				}
			}
		}
		return Optional.empty();
	}

}
