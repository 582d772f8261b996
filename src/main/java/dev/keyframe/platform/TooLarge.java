package dev.keyframe.platform;

/** More than Keyframe takes: a file above the largest upload. */
public class TooLarge extends Problem {

	public TooLarge(String message) {
		super(message);
	}

}
