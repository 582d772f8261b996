package dev.keyframe.platform;

/** Input that breaks a rule: a missing name, a tag with spaces, a part outside the plan. */
public class Invalid extends Problem {

	public Invalid(String message) {
		super(message);
	}

}
