package dev.keyframe.identity.internal;

import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/** Tells the throttle how sign-ins went: a wrong name or password counts against the name and the address. */
@Component
class SignInEvents {

	private final SignInThrottle throttle;

	SignInEvents(SignInThrottle throttle) {
		this.throttle = throttle;
	}

	@EventListener
	void failed(AuthenticationFailureBadCredentialsEvent event) {
		String address = event.getAuthentication().getDetails() instanceof WebAuthenticationDetails details
				? details.getRemoteAddress() : null;
		throttle.failed(event.getAuthentication().getName(), address);
	}

	@EventListener
	void succeeded(AuthenticationSuccessEvent event) {
		throttle.succeeded(event.getAuthentication().getName());
	}

}
