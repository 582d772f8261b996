package dev.keyframe.catalog;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where an asset is in its life, and where it may go from there ({@link #next()}): the one asset state machine.
 * An upload becomes PROCESSING once probed (or FAILED); renditions make it PLAYABLE, then READY, or FAILED; a retry
 * takes a FAILED or PLAYABLE asset back to work; a retention rule makes any asset but an open upload REMOVED, for
 * good. {@code Asset.moveTo} refuses every other move.
 */
public enum AssetStatus {

	/** The upload session is open; bytes are going to storage. (A live stream's asset waits here for its feed.) */
	UPLOADING,
	/** The source is stored and probed; renditions are being made. */
	PROCESSING,
	/** At least one rendition can be played; more may follow, or some failed. */
	PLAYABLE,
	/** Every rendition is published. */
	READY,
	/** Nothing can be played: the upload or every rendition failed (see the reason). */
	FAILED,
	/** A retention rule expired it: its files are gone, the row stays as the record of what was there. */
	REMOVED;

	/**
	 * The statuses an asset in this one may move to; staying is allowed where the reason may change (a job more
	 * done, a rendition more failed). Nothing returns to UPLOADING, and nothing leaves REMOVED.
	 */
	public Set<AssetStatus> next() {
		return switch (this) {
			// probed and transcoding; a live stream's first renditions (PLAYABLE), its end (READY); the upload failed
			case UPLOADING -> EnumSet.of(PROCESSING, PLAYABLE, READY, FAILED);
			case PROCESSING -> EnumSet.of(PROCESSING, PLAYABLE, READY, FAILED, REMOVED);
			// a failed job retried with nothing published yet goes back to PROCESSING
			case PLAYABLE -> EnumSet.of(PROCESSING, PLAYABLE, READY, FAILED, REMOVED);
			// everything was published: a job run again makes it PLAYABLE for a while, never less
			case READY -> EnumSet.of(PLAYABLE, READY, REMOVED);
			// failed jobs retried
			case FAILED -> EnumSet.of(PROCESSING, PLAYABLE, READY, FAILED, REMOVED);
			case REMOVED -> EnumSet.noneOf(AssetStatus.class);
		};
	}

	public boolean mayBecome(AssetStatus next) {
		return next().contains(next);
	}

}
