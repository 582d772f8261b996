package dev.keyframe.live;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Starts the transcoder of one live stream: a local process today, a container per stream later. The transcoder
 * reads the feed as MPEG-TS on its standard input and writes its HLS output under {@code workDir}.
 */
public interface TranscoderLauncher {

	Transcoder launch(Spec spec);

	/**
	 * @param session the live session it serves
	 * @param command the transcoder's command line (ffmpeg and its arguments)
	 * @param workDir where it writes its output
	 */
	record Spec(UUID session, List<String> command, Path workDir) {
	}

	/** A running transcoder. */
	interface Transcoder {

		/** Where the feed goes. */
		OutputStream input();

		/** Completes with the exit code when it ends, however it ends. */
		CompletableFuture<Integer> exit();

		boolean alive();

		/** An id to find it by (a process id locally). */
		long id();

		/** Ends it now (SIGKILL locally) and waits for it to be gone. */
		void kill();

	}

}
