package dev.keyframe.platform;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when the instance's roles ({@code keyframe.roles}) include one of those named. */
class OnRoleCondition implements Condition {

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnRole.class.getName());
		if (attributes == null) {
			return true;
		}
		Set<Role> roles = Instance.roles(context.getEnvironment());
		return Arrays.stream((Role[]) attributes.get("value")).anyMatch(roles::contains);
	}

}
