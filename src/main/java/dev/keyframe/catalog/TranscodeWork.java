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
	 * @throws dev.keyframe.platform.Conflict when the asset cannot be transcoded again (its source is gone)
	 */
	int retryFailed(AssetId asset);

	/**
	 * The work on one rendition, over all of its chunks.
	 * @param state PENDING, RUNNING, DONE or FAILED: FAILED if a chunk failed, DONE once all are, RUNNING while any
	 * runs
	 * @param attempts the most any chunk took
	 * @param progress 0..1, over all chunks
	 * @param error why a chunk failed, for a person
	 * @param chunks how many chunks the rendition is encoded in
	 * @param chunksDone how many of them are stored
	 */
	record JobView(String id, String profile, String state, int attempts, double progress,
			@Nullable String error, @Nullable Instant startedAt,
			@Nullable Instant finishedAt, int chunks, int chunksDone) {
	}

	/** How an asset's jobs stand; drives the asset's status. */
	record JobCounts(int total, int done, int failed, @Nullable String firstError) {

		public int active() {
			return total - done - failed;
		}

	}

}
