package dev.keyframe.retention;

import java.util.List;

/** The S3 storage classes a source can be moved to, warmest first. */
public final class StorageClasses {

	/** Targets of a move, in order of how cold they are. */
	public static final List<String> TARGETS = List.of("STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "GLACIER",
			"DEEP_ARCHIVE");

	private StorageClasses() {
	}

	/** How cold a class is: STANDARD 0, the infrequent-access classes 1, GLACIER_IR 2, GLACIER 3, DEEP_ARCHIVE 4. */
	public static int coldness(String storageClass) {
		return switch (storageClass) {
			case "STANDARD_IA", "ONEZONE_IA" -> 1;
			case "GLACIER_IR" -> 2;
			case "GLACIER" -> 3;
			case "DEEP_ARCHIVE" -> 4;
			default -> 0;
		};
	}

}
