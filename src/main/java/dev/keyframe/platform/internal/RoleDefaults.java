package dev.keyframe.platform.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import dev.keyframe.platform.Instance;
import dev.keyframe.platform.Role;

/**
 * Checks {@code keyframe.roles} before anything starts (an unknown role stops the start with the list of known
 * ones), and gives instances that serve no pages a free HTTP port unless one is set, so that any number of worker
 * or transcoder instances run side by side on one host; each logs the port its health answers on.
 */
public class RoleDefaults implements EnvironmentPostProcessor, Ordered {

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 10; // before the local stack, which reads the roles
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
		Set<Role> roles = Instance.roles(env);
		Map<String, Object> defaults = new HashMap<>();
		if (!roles.contains(Role.WEB)) {
			defaults.put("keyframe.http-port", "0");
		}
		if (!roles.contains(Role.SCHEDULER)) {
			// outbox publications a crash left are resubmitted by scheduler instances, not by every start of every
			// worker or transcoder (each would send them all again)
			defaults.put("spring.modulith.events.republish-outstanding-events-on-restart", "false");
		}
		if (roles.equals(Set.of(Role.TRANSCODER))) {
			// one stream's instance: a few connections are plenty, and there may be many such instances
			defaults.put("spring.datasource.hikari.maximum-pool-size", "4");
			defaults.put("spring.datasource.hikari.minimum-idle", "1");
		}
		// these win over application.yaml, not over anything set for this instance (environment, arguments)
		var sources = env.getPropertySources();
		String yaml = sources.stream()
			.map(org.springframework.core.env.PropertySource::getName)
			.filter(name -> name.contains("application.yaml") || name.contains("application.yml"))
			.findFirst()
			.orElse(null);
		var source = new MapPropertySource("keyframe-role-defaults", defaults);
		if (yaml != null) {
			sources.addBefore(yaml, source);
		}
		else {
			sources.addLast(source);
		}
	}

}
