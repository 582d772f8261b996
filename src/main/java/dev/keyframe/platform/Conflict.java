package dev.keyframe.platform;

/**
 * What was asked for cannot be done in the state things are in: an upload already completed, an asset on legal
 * hold.
 */
public class Conflict extends Problem {

	public Conflict(String message) {
		super(message);
	}

}
