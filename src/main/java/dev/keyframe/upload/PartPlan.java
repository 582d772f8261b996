package dev.keyframe.upload;

/**
 * How a file of a given size is cut into parts: at least the configured part size, whole MiB, and never more
 * than 10,000 parts (S3's limit).
 */
public record PartPlan(long size, long partSize, int partCount) {

	private static final long MIB = 1024 * 1024;

	public static PartPlan of(long size, long minimumPartSize, int maxParts) {
		long needed = (size + maxParts - 1) / maxParts;
		long partSize = Math.max(minimumPartSize, (needed + MIB - 1) / MIB * MIB);
		int count = (int) Math.max(1, (size + partSize - 1) / partSize);
		return new PartPlan(size, partSize, count);
	}

	/** How many bytes part {@code number} (1-based) must hold. */
	public long expectedSize(int number) {
		return number < partCount ? partSize : size - partSize * (partCount - 1);
	}

}
