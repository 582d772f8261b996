package dev.keyframe.identity.internal;

import java.time.Clock;
import java.util.Optional;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

import dev.keyframe.identity.Accounts;
import dev.keyframe.identity.IdentitySettings;
import dev.keyframe.platform.StorageSettings;

/**
 * Who may use what, in one place. Pages sign in with a form (session cookie, CSRF-protected); the REST API
 * also takes personal API tokens ({@code Authorization: Bearer kf_...}), which need no CSRF token.
 *
 * <table>
 * <tr><th>path</th><th>who</th></tr>
 * <tr><td>/login, /app/**, /webjars/**, /error, /actuator/health, API docs</td><td>anyone</td></tr>
 * <tr><td>/watch/**, /api/playback/**</td><td>anyone; playback decides per asset who is entitled</td></tr>
 * <tr><td>/, /watch/**, /account/**, /api/account/**</td><td>any signed-in user</td></tr>
 * <tr><td>/library, /upload, /assets/**, /api/assets/**, /api/uploads/**, /live/**, /api/live/**</td><td>editors and admins</td></tr>
 * <tr><td>/admin/**, /api/admin/**, /actuator/** (metrics)</td><td>admins</td></tr>
 * <tr><td>anything else</td><td>no one</td></tr>
 * </table>
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	@Bean
	SecurityFilterChain security(HttpSecurity http, Accounts accounts, StorageSettings storage, SignInThrottle throttle,
			@Value("${keyframe.cdn.url:}") String cdn) throws Exception {
		var api = PathPatternRequestMatcher.withDefaults().matcher("/api/**");
		http.authorizeHttpRequests(requests -> requests
			.requestMatchers("/login", "/app/**", "/webjars/**", "/error", "/favicon.ico", "/actuator/health",
					"/actuator/health/**", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html")
			.permitAll()
			// entitlement depends on the asset (public, signed-in, private): playback decides, and asks for sign-in
			.requestMatchers("/watch/**", "/api/playback/**")
			.permitAll()
			.requestMatchers("/admin/**", "/api/admin/**", "/actuator/**")
			.hasRole("ADMIN")
			.requestMatchers("/", "/account/**", "/api/account/**")
			.authenticated()
			.requestMatchers("/library", "/upload", "/assets/**", "/api/assets/**", "/api/uploads/**", "/live/**",
					"/api/live/**")
			.hasRole("EDITOR")
			.anyRequest()
			.denyAll())
			.formLogin(form -> form.loginPage("/login")
				.defaultSuccessUrl("/", false)
				.failureHandler((request, response, failure) -> response.sendRedirect(request.getContextPath()
						+ (failure instanceof LockedException ? "/login?locked" : "/login?error")))
				.permitAll())
			// only pages are remembered for after sign-in: an API call never starts a session
			.requestCache(cache -> cache.requestCache(pagesOnly(api)))
			.logout(logout -> logout.logoutSuccessUrl("/login?signedOut"))
			.addFilterBefore(new BearerTokenFilter(accounts), UsernamePasswordAuthenticationFilter.class)
			.addFilterBefore(new SignInThrottleFilter(throttle), UsernamePasswordAuthenticationFilter.class)
			.addFilterAfter(new CurrentAccountFilter(accounts), SecurityContextHolderFilter.class)
			// CSRF rides on ambient credentials: API calls with a token, or with no session at all, cannot be forged
			.csrf(csrf -> csrf.ignoringRequestMatchers(request -> BearerTokenFilter.hasBearerToken(request)
					|| (api.matches(request) && request.getRequestedSessionId() == null)))
			.exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
					new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), api))
			.headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
					"default-src 'self'; img-src 'self' data: blob: " + origin(cdn) + "; media-src 'self' blob: "
							+ origin(cdn) + "; worker-src 'self' blob:; style-src 'self'; script-src 'self'; "
							+ "connect-src 'self' " + storageOrigin(storage) + " " + origin(cdn)
							+ "; frame-ancestors 'none'")));
		return http.build();
	}

	private static HttpSessionRequestCache pagesOnly(PathPatternRequestMatcher api) {
		HttpSessionRequestCache cache = new HttpSessionRequestCache();
		cache.setRequestMatcher(request -> !api.matches(request) && "GET".equals(request.getMethod()));
		return cache;
	}

	/** Where the upload page sends part bytes: the storage endpoint browsers reach, or S3 itself. */
	static String storageOrigin(StorageSettings storage) {
		java.net.URI endpoint = storage.publicEndpoint() != null ? storage.publicEndpoint() : storage.endpoint();
		return endpoint == null ? "https://*.amazonaws.com" : origin(endpoint.toString());
	}

	/** The origin (scheme, host, port) of a URL, for the content security policy. */
	static String origin(String url) {
		if (url.isBlank()) {
			return "";
		}
		java.net.URI uri = java.net.URI.create(url);
		return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
	}

	@Bean
	RoleHierarchy roleHierarchy() {
		return RoleHierarchyImpl.fromHierarchy("ROLE_ADMIN > ROLE_EDITOR\nROLE_EDITOR > ROLE_VIEWER");
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	SignInThrottle signInThrottle(IdentitySettings settings, Optional<Clock> clock) {
		return new SignInThrottle(settings.trustedNetworks(), clock.orElse(Clock.systemUTC()), SignInThrottle.CAPACITY);
	}

	@Bean
	UserDetailsService userDetailsService(UserAccounts users) {
		return username -> users.findByUsername(username.toLowerCase(java.util.Locale.ROOT))
			.map(user -> org.springframework.security.core.userdetails.User.withUsername(user.username())
				.password(user.passwordHash())
				.authorities(user.role().authority())
				.disabled(!user.enabled())
				.build())
			.orElseThrow(() -> new UsernameNotFoundException(username));
	}

}
