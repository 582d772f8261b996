package dev.keyframe.identity;

/** What a user may do. Each role includes the ones before it. */
public enum Role {

	/** Watches. */
	VIEWER,
	/** Uploads and manages assets. */
	EDITOR,
	/** Manages users and policies, and everything an editor does. */
	ADMIN;

	public String authority() {
		return "ROLE_" + name();
	}

}
