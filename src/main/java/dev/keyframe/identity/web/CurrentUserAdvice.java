package dev.keyframe.identity.web;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import dev.keyframe.identity.CurrentUser;
import dev.keyframe.identity.UserView;

/** Puts the signed-in user into every page's model, for the shared layout. */
@ControllerAdvice(annotations = Controller.class)
class CurrentUserAdvice {

	private final CurrentUser current;

	CurrentUserAdvice(CurrentUser current) {
		this.current = current;
	}

	@ModelAttribute("currentUser")
	@Nullable UserView currentUser() {
		return current.get().orElse(null);
	}

}
