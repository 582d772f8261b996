package dev.keyframe.retention;

/** One thing a lifecycle run does to one asset or upload. */
public enum StepKind {

	DELETE_SOURCE("Delete source"), MOVE_SOURCE("Move source"), EXPIRE("Expire asset"),
	DROP_RENDITIONS("Drop renditions"), ABORT_UPLOAD("Abort upload"),
	/** Deletes what an interrupted expiry left behind. */
	PURGE("Finish expiry");

	private final String label;

	StepKind(String label) {
		this.label = label;
	}

	public String label() {
		return label;
	}

}
