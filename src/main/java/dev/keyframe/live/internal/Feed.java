package dev.keyframe.live.internal;

import java.io.IOException;
import java.util.UUID;

/** An ingest connection the live instance took: write the feed's bytes, then close it with why it ended. */
public final class Feed {

	private final Relay relay;

	private final String protocol;

	Feed(Relay relay, String protocol) {
		this.relay = relay;
		this.protocol = protocol;
	}

	/** @throws BadFeed when the transcoder found the feed unreadable; another IOException when the session is over */
	public void write(byte[] chunk, int length) throws IOException {
		relay.write(chunk, length);
	}

	public void close(String reason) {
		relay.close(reason);
	}

	public UUID session() {
		return relay.session;
	}

	public String protocol() {
		return protocol;
	}

}
