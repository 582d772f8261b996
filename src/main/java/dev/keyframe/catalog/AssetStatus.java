package dev.keyframe.catalog;

/** Where an asset is in its life. */
public enum AssetStatus {

	/** The upload session is open; bytes are going to storage. */
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
	REMOVED

}
