package dev.keyframe.platform;

import org.springframework.http.HttpStatus;

/**
 * A request Keyframe refuses, with a status and a message meant for the person who sent it. The API answers it
 * as RFC 9457 problem details.
 */
public class Problem extends RuntimeException {

	private final HttpStatus status;

	public Problem(HttpStatus status, String message) {
		super(message);
		this.status = status;
	}

	public HttpStatus status() {
		return status;
	}

}
