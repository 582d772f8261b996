package dev.keyframe.live.internal;

/**
 * One of a session's two pipelines (docs/adr/0020): a channel with two pipelines runs each session on two
 * transcoder instances, A and B, that make the same segments from the same relayed feed. A session with one pipeline
 * has only A. Pipeline A's columns in {@code live_session} are the transcoder columns as they always were; B's have
 * the prefix {@code b_}.
 */
enum Pipeline {

	A, B;

	/** The column of {@code live_session} that holds this pipeline's {@code base} column. */
	String column(String base) {
		return this == A ? base : "b_" + base;
	}

	/** The other pipeline. */
	Pipeline other() {
		return this == A ? B : A;
	}

	/** How a relay names this pipeline's generation in its header: {@code 3} for A, {@code B3} for B. */
	String generation(int generation) {
		return this == A ? String.valueOf(generation) : name() + generation;
	}

}
