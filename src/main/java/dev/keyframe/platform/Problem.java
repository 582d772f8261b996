package dev.keyframe.platform;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Something Keyframe refuses, with a message meant for the person who asked. Domain code throws one of its kinds,
 * which say what is wrong and nothing of HTTP: {@link Invalid} input, {@link NotFound}, a {@link Conflict} with
 * the state things are in, {@link TooLarge}. The web layer answers each as RFC 9457 problem details with its
 * status ({@link #status()}); a web controller may name a status of its own with
 * {@link #Problem(HttpStatus, String)}.
 */
public class Problem extends RuntimeException {

	private final @Nullable HttpStatus status;

	/** A refusal a web controller answers with {@code status}. */
	public Problem(HttpStatus status, String message) {
		super(message);
		this.status = status;
	}

	/** A refusal of one of the domain's kinds; its status is the kind's. */
	protected Problem(String message) {
		super(message);
		this.status = null;
	}

	/** The HTTP answer: the one a controller named, or the kind's. */
	public HttpStatus status() {
		if (status != null) {
			return status;
		}
		return switch (this) {
			case Invalid invalid -> HttpStatus.BAD_REQUEST;
			case NotFound notFound -> HttpStatus.NOT_FOUND;
			case Conflict conflict -> HttpStatus.CONFLICT;
			case TooLarge tooLarge -> HttpStatus.CONTENT_TOO_LARGE;
			default -> HttpStatus.BAD_REQUEST;
		};
	}

}
