package dev.keyframe.retention;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.keyframe.platform.Invalid;

/**
 * A rule as an admin writes it.
 *
 * @param after days (hours for {@link RuleAction#ABORT_UPLOADS}) from the moment the action names
 * @param storageClass the class {@link RuleAction#MOVE_SOURCE} moves to
 * @param maxHeight the tallest rendition {@link RuleAction#DROP_RENDITIONS} keeps
 * @param priority when several rules of one action match an asset, the lowest number decides
 */
public record RuleForm(String name, RuleAction action, RuleScope scope, @Nullable String tag, int after,
		@Nullable String storageClass, @Nullable Integer maxHeight, int priority, boolean enabled) {

	/** Checks the rule makes sense and returns it tidied; an {@link Invalid} says what to fix. */
	public RuleForm validated() {
		String cleanName = name == null ? "" : name.replaceAll("\\p{Cntrl}", " ").strip();
		if (cleanName.isEmpty() || cleanName.length() > 100) {
			throw bad("Give the rule a name of 1 to 100 characters.");
		}
		if (action == null || scope == null) {
			throw bad("Choose what the rule does and which assets it applies to.");
		}
		String cleanTag = null;
		if (scope == RuleScope.TAG) {
			cleanTag = tag == null ? "" : tag.strip().toLowerCase(Locale.ROOT);
			if (!cleanTag.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
				throw bad("A tag rule needs a tag: letters, digits, - and _.");
			}
		}
		if (action == RuleAction.ABORT_UPLOADS && scope != RuleScope.ALL) {
			throw bad("Unfinished uploads have no tags yet: an abort rule applies to all uploads.");
		}
		// an upload gets at least an hour; the other actions may act on the day itself
		int least = action.countsHours() ? 1 : 0;
		int limit = action.countsHours() ? 24 * 3650 : 36500;
		if (after < least || after > limit) {
			throw bad("The number of " + (action.countsHours() ? "hours" : "days") + " is " + least + " to " + limit
					+ ".");
		}
		String cleanClass = null;
		if (action == RuleAction.MOVE_SOURCE) {
			cleanClass = storageClass == null ? "" : storageClass.strip().toUpperCase(Locale.ROOT);
			if (!StorageClasses.TARGETS.contains(cleanClass)) {
				throw bad("Move to one of " + String.join(", ", StorageClasses.TARGETS) + ".");
			}
		}
		Integer cleanHeight = null;
		if (action == RuleAction.DROP_RENDITIONS) {
			if (maxHeight == null || maxHeight < 1 || maxHeight > 8640) {
				throw bad("Say the tallest rendition to keep, in pixels (for example 720).");
			}
			cleanHeight = maxHeight;
		}
		if (priority < 1 || priority > 1000) {
			throw bad("Priority is 1 (decides first) to 1000.");
		}
		return new RuleForm(cleanName, action, scope, cleanTag, after, cleanClass, cleanHeight, priority, enabled);
	}

	private static Invalid bad(String message) {
		return new Invalid(message);
	}

}
