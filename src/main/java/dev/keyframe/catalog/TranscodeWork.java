package dev.keyframe.catalog;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the catalog needs to know about the work that makes renditions, implemented by the module that does it
 * (so the catalog does not depend on it).
 */
public interface TranscodeWork {

	List<JobView> jobsFor(AssetId asset);

	/** How far each asset's jobs are, 0..1 (the mean over its jobs); assets without jobs are left out. */
	java.util.Map<AssetId, Double> progress(java.util.Collection<AssetId> assets);

	/**
	 * Puts the asset's failed jobs back in the queue; returns how many.
	 * @throws dev.keyframe.platform.Problem (409) when the asset cannot be transcoded again (its source is gone)
	 */
	int retryFailed(AssetId asset);

	/**
	 * @param state PENDING, RUNNING, DONE or FAILED
	 * @param progress 0..1
	 * @param error why it failed, for a person
	 */
	record JobView(String id, String profile, String state, int attempts, double progress,
			@Nullable String error, @Nullable Instant startedAt,
			@Nullable Instant finishedAt) {
	}

	/** How an asset's jobs stand; drives the asset's status. */
	record JobCounts(int total, int done, int failed, @Nullable String firstError) {

		public int active() {
			return total - done - failed;
		}

	}

}
