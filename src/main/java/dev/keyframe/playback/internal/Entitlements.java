package dev.keyframe.playback.internal;

import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.keyframe.catalog.AssetView;
import dev.keyframe.identity.CurrentUser;
import dev.keyframe.identity.Role;
import dev.keyframe.identity.UserView;

/** Whether the person asking may watch an asset: the one place playback signatures are decided. */
@Component
public class Entitlements {

	/** The answer for one asset. */
	public enum Access {

		/** Entitled: may be given signatures. */
		WATCH,

		/** Not signed in, and the asset needs a signed-in viewer: ask them to sign in. */
		SIGN_IN,

		/** Not entitled to an asset private to editors: the caller is told it does not exist. */
		HIDDEN

	}

	private final CurrentUser current;

	Entitlements(CurrentUser current) {
		this.current = current;
	}

	public Access check(AssetView asset) {
		Optional<UserView> user = current.get();
		return switch (asset.visibility()) {
			case PUBLIC -> Access.WATCH;
			case SIGNED_IN -> user.isPresent() ? Access.WATCH : Access.SIGN_IN;
			// whoever may not watch a private asset, signed in or not, is told what a random id is told: that
			// there is no such asset, so its existence shows to no one outside the editors
			case PRIVATE -> user.isPresent() && user.get().role().compareTo(Role.EDITOR) >= 0 ? Access.WATCH
					: Access.HIDDEN;
		};
	}

}
