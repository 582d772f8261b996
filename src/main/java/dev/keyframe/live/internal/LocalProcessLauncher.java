package dev.keyframe.live.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.keyframe.live.TranscoderLauncher;

/**
 * Runs each transcoder as a child process of this instance. Its log goes to {@code transcoder.log} in its work
 * directory; it dies with the instance (its input pipe closes).
 */
@Component
public class LocalProcessLauncher implements TranscoderLauncher {

	private static final Logger log = LoggerFactory.getLogger(LocalProcessLauncher.class);

	@Override
	public Transcoder launch(Spec spec) {
		try {
			Files.createDirectories(spec.workDir());
			Process process = new ProcessBuilder(spec.command()).directory(spec.workDir().toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(spec.workDir().resolve("transcoder.log").toFile()))
				.start();
			log.info("Transcoder {} started for live session {}", process.pid(), spec.session());
			return new LocalTranscoder(process);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("The transcoder could not be started: " + ex.getMessage(), ex);
		}
	}

	private record LocalTranscoder(Process process) implements Transcoder {

		@Override
		public OutputStream input() {
			return process.getOutputStream();
		}

		@Override
		public CompletableFuture<Integer> exit() {
			return process.onExit().thenApply(Process::exitValue);
		}

		@Override
		public boolean alive() {
			return process.isAlive();
		}

		@Override
		public long id() {
			return process.pid();
		}

		@Override
		public void kill() {
			process.destroyForcibly();
			try {
				process.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
