package dev.keyframe.live.ingest;

import java.io.IOException;

import dev.keyframe.live.IngestUrl;
import dev.keyframe.live.internal.Admission;

/**
 * One way broadcasters push a feed. Each protocol turns a stream key into a feed with
 * {@link Admission#open(String, String)} under its {@link #name()}, writes the MPEG-TS it receives into it and
 * closes it with why it ended. Every role has the protocols (the web role shows their URLs); only a live instance
 * starts them. A new protocol is one more implementation of this, a Spring bean; nothing else changes.
 */
public interface IngestProtocol {

	/** The name sessions, events and metrics record ({@code HTTP_TS}, {@code RTMP}, {@code SRT}). */
	String name();

	/** Whether the settings switch it on; a protocol that cannot run here says why when it starts. */
	boolean enabled();

	/** What a broadcaster pastes to push with {@code key} (and, for protocols that use it, {@code passphrase}). */
	IngestUrl url(String key, String passphrase);

	/**
	 * Starts taking feeds for {@code admission}. A protocol whose prerequisites are missing on this host logs one line
	 * saying so and stays off ({@link #port()} -1).
	 * @throws IOException when it cannot start here (a port taken): it is logged, and the other protocols run
	 */
	void start(Admission admission) throws IOException;

	/** The port it listens on as bound, -1 when it is not running. */
	int port();

	/** Stops taking feeds; feeds that are open end. */
	void stop();

}
