package dev.keyframe.platform;

/** What was asked for does not exist, or is not there for whoever asked. */
public class NotFound extends Problem {

	public NotFound(String message) {
		super(message);
	}

}
