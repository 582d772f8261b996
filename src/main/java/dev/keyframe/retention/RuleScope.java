package dev.keyframe.retention;

/** Which assets a rule applies to. */
public enum RuleScope {

	ALL("All assets"), TAG("Assets with a tag"), LIVE_RECORDINGS("Live recordings");

	private final String label;

	RuleScope(String label) {
		this.label = label;
	}

	public String label() {
		return label;
	}

}
