package dev.keyframe.identity.internal;

import java.io.IOException;

import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Turns away a sign-in the throttle holds back before any account is looked up or password checked, with one
 * answer for every name, an account's or not.
 */
class SignInThrottleFilter extends OncePerRequestFilter {

	private final SignInThrottle throttle;

	SignInThrottleFilter(SignInThrottle throttle) {
		this.throttle = throttle;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !"POST".equals(request.getMethod())
				|| !(request.getContextPath() + "/login").equals(request.getRequestURI());
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (throttle.lockedUntil(request.getParameter("username"), request.getRemoteAddr()).isPresent()) {
			response.sendRedirect(request.getContextPath() + "/login?locked");
			return;
		}
		chain.doFilter(request, response);
	}

}
