package dev.keyframe.catalog;

/** Where an asset came from; retention rules can be scoped to one origin. */
public enum AssetOrigin {

	/** An editor uploaded it. */
	UPLOAD,
	/** The recording of a live session, transcoded like an upload. */
	LIVE_RECORDING,
	/** A live session's stream as viewers watched it (its last window once ended). */
	LIVE_STREAM

}
