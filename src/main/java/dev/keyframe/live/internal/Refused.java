package dev.keyframe.live.internal;

/** A feed that is not let in; {@code status} is the HTTP answer. */
public final class Refused extends RuntimeException {

	private final int status;

	public Refused(int status, String message) {
		super(message, null, false, false);
		this.status = status;
	}

	public int status() {
		return status;
	}

}
