package dev.keyframe.catalog;

/** Who may watch an asset. Only a viewer the asset is visible to is given playback signatures. */
public enum Visibility {

	/** Anyone with the link, signed in or not. */
	PUBLIC("Anyone with the link"),

	/** Every signed-in user, viewers included. */
	SIGNED_IN("Signed-in users"),

	/** Editors and admins only. */
	PRIVATE("Editors only");

	private final String label;

	Visibility(String label) {
		this.label = label;
	}

	public String label() {
		return label;
	}

}
