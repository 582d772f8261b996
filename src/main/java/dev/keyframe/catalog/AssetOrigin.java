package dev.keyframe.catalog;

/** Where an asset came from; retention rules can be scoped to one origin. */
public enum AssetOrigin {

	/** An editor uploaded it. */
	UPLOAD,
	/** The recording of a live session. */
	LIVE_RECORDING

}
