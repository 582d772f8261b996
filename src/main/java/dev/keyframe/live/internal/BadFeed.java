package dev.keyframe.live.internal;

import java.io.IOException;

/** A feed that is not what ingest takes (not MPEG-TS, no video): the broadcaster gets this, for a person. */
public final class BadFeed extends IOException {

	public BadFeed(String message) {
		super(message);
	}

}
