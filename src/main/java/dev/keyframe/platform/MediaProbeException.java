package dev.keyframe.platform;

/**
 * A media object that ffprobe could not read as media. The message is meant for the person who uploaded it.
 */
public class MediaProbeException extends RuntimeException {

	public MediaProbeException(String message) {
		super(message);
	}

}
