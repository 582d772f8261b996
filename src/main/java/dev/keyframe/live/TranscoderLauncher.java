package dev.keyframe.live;

import java.util.UUID;

/**
 * Starts the transcoder instance of one live stream: this jar in the {@code transcoder} role, serving one
 * generation of one session (docs/adr/0013). Locally an OS process ({@code keyframe.live.launcher=process}), on
 * AWS an ECS task ({@code ecs}). A launched transcoder finds its session in the database, takes the relayed feed,
 * publishes the stream, and exits when the session ends; ids are kept in the session, so any live instance can
 * check on or stop a transcoder another one launched.
 */
public interface TranscoderLauncher {

	/**
	 * Starts a transcoder instance; returns once it is starting (not once it is ready).
	 * @return its id: {@code pid:<n>} locally, the task ARN on ECS
	 * @throws IllegalStateException when it cannot be started, with why
	 */
	String launch(Spec spec);

	/** Whether it still runs (false once it is gone, or when it is unknown here). */
	boolean alive(String id);

	/** Stops it if it still runs (a frozen or superseded transcoder); does not wait. */
	void stop(String id, String reason);

	/**
	 * @param session the live session it serves
	 * @param generation which of the pipeline's transcoders it is: only the current generation may publish
	 * @param pipeline A, or B: the session's second pipeline (a channel with two)
	 */
	record Spec(UUID session, int generation, String pipeline) {

		/** Pipeline A's. */
		public Spec(UUID session, int generation) {
			this(session, generation, "A");
		}

	}

}
