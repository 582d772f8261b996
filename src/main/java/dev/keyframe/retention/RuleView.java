package dev.keyframe.retention;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** A saved rule. */
public record RuleView(UUID id, String name, RuleAction action, RuleScope scope, @Nullable String tag, int after,
		@Nullable String storageClass, @Nullable Integer maxHeight, int priority, boolean enabled, Instant updatedAt,
		@Nullable String updatedBy) {

	/** The rule in one line: "Delete the source 30 days after the asset is ready, for assets tagged news". */
	public String summary() {
		String what = switch (action) {
			case MOVE_SOURCE -> "Move the source to " + storageClass;
			case DROP_RENDITIONS -> "Drop the renditions taller than " + maxHeight + "p";
			default -> action.label();
		};
		String scopeText = switch (scope) {
			case ALL -> action == RuleAction.ABORT_UPLOADS ? "" : ", for all assets";
			case TAG -> ", for assets tagged " + tag;
			case LIVE_RECORDINGS -> ", for live recordings";
		};
		return what + " " + after + " " + action.when() + scopeText;
	}

	public RuleForm form() {
		return new RuleForm(name, action, scope, tag, after, storageClass, maxHeight, priority, enabled);
	}

}
