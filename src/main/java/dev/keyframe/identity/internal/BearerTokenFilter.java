package dev.keyframe.identity.internal;

import java.io.IOException;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.keyframe.identity.Accounts;
import dev.keyframe.identity.CurrentUser;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Authenticates requests that carry a personal API token. A token that is unknown, revoked or belongs to a
 * disabled user is refused at once with 401, never silently treated as anonymous.
 */
class BearerTokenFilter extends OncePerRequestFilter {

	private final Accounts accounts;

	BearerTokenFilter(Accounts accounts) {
		this.accounts = accounts;
	}

	/** What a token authenticates: the REST API and the metrics, never the pages. */
	static boolean tokenPath(HttpServletRequest request) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		return path.startsWith("/api/") || path.startsWith("/actuator/");
	}

	static boolean hasBearerToken(HttpServletRequest request) {
		String header = request.getHeader(HttpHeaders.AUTHORIZATION);
		return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && tokenPath(request);
	}

	/** Whether the request was authenticated by an API token (rather than by signing in). */
	static boolean isTokenAuthentication(org.springframework.security.core.Authentication auth) {
		return TOKEN.equals(auth.getDetails());
	}

	static final String TOKEN = "api-token";

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!hasBearerToken(request)) {
			chain.doFilter(request, response);
			return;
		}
		String secret = request.getHeader(HttpHeaders.AUTHORIZATION).substring(7).strip();
		var user = accounts.authenticate(secret);
		if (user.isEmpty()) {
			response.setStatus(HttpStatus.UNAUTHORIZED.value());
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.getWriter()
				.write("{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"The API token is unknown or revoked.\"}");
			return;
		}
		CurrentUser.remember(request, user.get());
		var authorities = List.of(new SimpleGrantedAuthority(user.get().role().authority()));
		var principal = User.withUsername(user.get().username()).password("").authorities(authorities).build();
		var context = SecurityContextHolder.createEmptyContext();
		var authentication = UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities);
		authentication.setDetails(TOKEN);
		context.setAuthentication(authentication);
		SecurityContextHolder.setContext(context);
		try {
			chain.doFilter(request, response);
		}
		finally {
			SecurityContextHolder.clearContext();
		}
	}

}
