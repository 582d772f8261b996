package dev.keyframe.live.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.keyframe.platform.ChildProcesses;

/**
 * The ffmpeg that makes a stream's ladder, a child of its transcoder instance (and gone with it): reads the feed
 * on its standard input, writes HLS into the work directory, logs to {@code encoder.log} there.
 */
final class EncoderProcess {

	private final Process process;

	private EncoderProcess(Process process) {
		this.process = process;
	}

	static EncoderProcess start(List<String> command, Path dir) {
		try {
			Files.createDirectories(dir);
			return new EncoderProcess(ChildProcesses.start(new ProcessBuilder(command).directory(dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("encoder.log").toFile()))));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The live encoder could not be started: " + ex.getMessage(), ex);
		}
	}

	/** Where the feed goes. */
	OutputStream input() {
		return process.getOutputStream();
	}

	/** Completes with the exit code when it ends, however it ends. */
	CompletableFuture<Integer> exit() {
		return process.onExit().thenApply(Process::exitValue);
	}

	boolean alive() {
		return process.isAlive();
	}

	long id() {
		return process.pid();
	}

	/**
	 * Asks it to finish (SIGTERM: ffmpeg closes the segment it writes and its playlists), and kills it if it has not
	 * within {@code patience}.
	 */
	void stop(java.time.Duration patience) {
		process.destroy();
		try {
			if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
				kill();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill();
		}
	}

	/** Ends it now (SIGKILL) and waits for it to be gone. */
	void kill() {
		process.destroyForcibly();
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
