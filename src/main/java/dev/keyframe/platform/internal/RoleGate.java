package dev.keyframe.platform.internal;

import java.io.IOException;
import java.util.stream.Collectors;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.keyframe.platform.Instance;
import dev.keyframe.platform.Role;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Every role answers health and metrics; only the web role serves pages and the API. An instance without it
 * answers everything else with 404, before security or any controller runs.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RoleGate extends OncePerRequestFilter {

	private final boolean web;

	private final String roles;

	RoleGate(Instance instance) {
		this.web = instance.has(Role.WEB);
		this.roles = instance.roles().isEmpty() ? "none"
				: instance.roles().stream().map(Role::label).collect(Collectors.joining(", "));
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getRequestURI();
		return web || path.equals("/actuator") || path.startsWith("/actuator/");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		response.setStatus(HttpStatus.NOT_FOUND.value());
		response.setContentType("application/problem+json");
		response.getWriter()
			.write("{\"title\":\"Not Found\",\"status\":404,\"detail\":\"This instance serves no pages or API (roles: "
					+ roles + "); only /actuator/health and /actuator/prometheus.\"}");
	}

}
