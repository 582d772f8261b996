package dev.keyframe.platform.internal;

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
		if (!roles.contains(Role.WEB)) {
			env.getPropertySources().addLast(new MapPropertySource("keyframe-role-defaults", Map.of("keyframe.http-port", "0")));
		}
	}

}
