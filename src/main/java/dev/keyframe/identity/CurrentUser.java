package dev.keyframe.identity;

import java.util.Optional;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** The signed-in user of the current request, for controllers of any module. */
@Component
public class CurrentUser {

	private final Accounts accounts;

	CurrentUser(Accounts accounts) {
		this.accounts = accounts;
	}

	private static final String ATTRIBUTE = CurrentUser.class.getName();

	/**
	 * The signed-in user, read from the database once per request: the security filters that already loaded it
	 * leave it on the request, and later calls (the layout, the controller) reuse it.
	 */
	public Optional<UserView> get() {
		Authentication auth = SecurityContextHolder.getContext().getAuthentication();
		if (auth == null || !auth.isAuthenticated() || "anonymousUser".equals(auth.getPrincipal())) {
			return Optional.empty();
		}
		var request = RequestContextHolder.getRequestAttributes();
		if (request != null && request.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST) instanceof UserView user
				&& user.username().equals(auth.getName())) {
			return Optional.of(user);
		}
		Optional<UserView> user = accounts.user(auth.getName());
		if (request != null) {
			user.ifPresent(u -> request.setAttribute(ATTRIBUTE, u, RequestAttributes.SCOPE_REQUEST));
		}
		return user;
	}

	/** Leaves the user a security filter has just loaded on the request, for {@link #get()}. */
	public static void remember(jakarta.servlet.http.HttpServletRequest request, UserView user) {
		request.setAttribute(ATTRIBUTE, user);
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
