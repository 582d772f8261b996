package dev.keyframe.retention;

/** What a rule does once it is due. */
public enum RuleAction {

	DELETE_SOURCE("Delete the source", "days after the asset is ready"),
	MOVE_SOURCE("Move the source to a colder storage class", "days after upload"),
	EXPIRE_AFTER_CREATED("Expire the asset", "days after upload"),
	EXPIRE_AFTER_LAST_PLAYED("Expire the asset", "days after it was last played"),
	DROP_RENDITIONS("Drop the renditions above a height", "days after the asset is ready"),
	ABORT_UPLOADS("Abort unfinished uploads", "hours after they started");

	private final String label;

	private final String when;

	RuleAction(String label, String when) {
		this.label = label;
		this.when = when;
	}

	public String label() {
		return label;
	}

	/** What the rule's number counts from, for people: "days after upload". */
	public String when() {
		return when;
	}

	public boolean countsHours() {
		return this == ABORT_UPLOADS;
	}

}
