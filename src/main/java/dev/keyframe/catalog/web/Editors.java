package dev.keyframe.catalog.web;

import org.jspecify.annotations.Nullable;

import dev.keyframe.identity.CurrentUser;
import dev.keyframe.identity.Role;

/** Whose view of the catalog a request gets: an editor's own, or an admin's, which is everyone's. */
final class Editors {

	private Editors() {
	}

	/**
	 * The name to see the catalog as (someone else's unfinished upload is not shown to them), or {@code null} for
	 * an admin, who sees every asset.
	 */
	static @Nullable String of(CurrentUser current) {
		return current.get().filter(user -> user.role() != Role.ADMIN).map(user -> user.username()).orElse(null);
	}

}
