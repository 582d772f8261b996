package dev.keyframe.catalog;

import static dev.keyframe.catalog.AssetStatus.FAILED;
import static dev.keyframe.catalog.AssetStatus.PLAYABLE;
import static dev.keyframe.catalog.AssetStatus.PROCESSING;
import static dev.keyframe.catalog.AssetStatus.READY;
import static dev.keyframe.catalog.AssetStatus.REMOVED;
import static dev.keyframe.catalog.AssetStatus.UPLOADING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The asset state machine as a table: from each status, where an asset may go. */
class AssetStatusTests {

	@Test
	void eachStatusAllowsExactlyTheseMoves() {
		Map<AssetStatus, Set<AssetStatus>> table = new EnumMap<>(AssetStatus.class);
		table.put(UPLOADING, EnumSet.of(PROCESSING, PLAYABLE, READY, FAILED));
		table.put(PROCESSING, EnumSet.of(PROCESSING, PLAYABLE, READY, FAILED, REMOVED));
		table.put(PLAYABLE, EnumSet.of(PROCESSING, PLAYABLE, READY, FAILED, REMOVED));
		table.put(READY, EnumSet.of(PLAYABLE, READY, REMOVED));
		table.put(FAILED, EnumSet.of(PROCESSING, PLAYABLE, READY, FAILED, REMOVED));
		table.put(REMOVED, EnumSet.noneOf(AssetStatus.class));

		for (AssetStatus from : AssetStatus.values()) {
			for (AssetStatus to : AssetStatus.values()) {
				assertThat(from.mayBecome(to)).as(from + " -> " + to).isEqualTo(table.get(from).contains(to));
			}
		}
	}

	@Test
	void nothingGoesBackToUploadingOrLeavesRemoved() {
		for (AssetStatus from : AssetStatus.values()) {
			assertThat(from.mayBecome(UPLOADING)).as(from + " -> UPLOADING").isFalse();
			assertThat(REMOVED.mayBecome(from)).as("REMOVED -> " + from).isFalse();
		}
	}

}
