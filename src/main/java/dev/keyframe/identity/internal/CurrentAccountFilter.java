package dev.keyframe.identity.internal;

import java.io.IOException;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.keyframe.identity.Accounts;
import dev.keyframe.identity.CurrentUser;
import dev.keyframe.identity.UserView;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * Checks a signed-in session against the account on every request: a user who was disabled, or whose role
 * changed, loses the session at once instead of keeping what it had when it signed in.
 */
class CurrentAccountFilter extends OncePerRequestFilter {

	private final Accounts accounts;

	CurrentAccountFilter(Accounts accounts) {
		this.accounts = accounts;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Authentication auth = SecurityContextHolder.getContext().getAuthentication();
		if (auth != null && auth.isAuthenticated() && !BearerTokenFilter.isTokenAuthentication(auth)
				&& !"anonymousUser".equals(auth.getPrincipal())) {
			UserView user = accounts.user(auth.getName()).orElse(null);
			boolean stale = user == null || !user.enabled()
					|| auth.getAuthorities().stream().noneMatch(a -> a.getAuthority().equals(user.role().authority()));
			if (!stale) {
				CurrentUser.remember(request, user);
			}
			else {
				HttpSession session = request.getSession(false);
				if (session != null) {
					session.invalidate();
				}
				SecurityContextHolder.clearContext();
			}
		}
		chain.doFilter(request, response);
	}

}
