package dev.keyframe.identity;

import java.util.Optional;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** The signed-in user of the current request, for controllers of any module. */
@Component
public class CurrentUser {

	private final Accounts accounts;

	CurrentUser(Accounts accounts) {
		this.accounts = accounts;
	}

	public Optional<UserView> get() {
		Authentication auth = SecurityContextHolder.getContext().getAuthentication();
		if (auth == null || !auth.isAuthenticated() || "anonymousUser".equals(auth.getPrincipal())) {
			return Optional.empty();
		}
		return accounts.user(auth.getName());
	}

	/** Whether this request was authenticated with an API token rather than by signing in. */
	public boolean viaToken() {
		Authentication auth = SecurityContextHolder.getContext().getAuthentication();
		return auth != null && "api-token".equals(auth.getDetails());
	}

	public UserView require() {
		return get().orElseThrow(() -> new IllegalStateException("No signed-in user"));
	}

}
