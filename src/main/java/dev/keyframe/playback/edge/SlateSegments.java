package dev.keyframe.playback.edge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.keyframe.platform.ChildProcesses;

/**
 * The "back soon" segments the edge serves in a continued live playlist ({@link BackSoon}): the slate picture and
 * silence, 640x360 Baseline H.264 and AAC (every master declares {@code mp4a}), one keyframe, made once per length
 * by the bundled ffmpeg and kept in memory. They never come from the origin, which is what may be failing.
 */
final class SlateSegments {

	/** Lengths a running edge keeps at most: a deployment has one or two segment lengths. */
	private static final int MAX_LENGTHS = 8;

	private final Path ffmpeg;

	private final Path scratch;

	private final Map<Integer, CompletableFuture<ByteBuffer>> made = new ConcurrentHashMap<>();

	SlateSegments(Path ffmpeg, Path scratch) {
		this.ffmpeg = ffmpeg;
		this.scratch = scratch;
	}

	/** The slate segment of {@code millis} ms (between {@link BackSoon#MIN_MILLIS} and {@link BackSoon#MAX_MILLIS}). */
	ByteBuffer segment(int millis) {
		if (millis < BackSoon.MIN_MILLIS || millis > BackSoon.MAX_MILLIS || millis % 100 != 0) {
			throw new IllegalArgumentException("No slate segment of " + millis + " ms");
		}
		if (made.size() >= MAX_LENGTHS && !made.containsKey(millis)) {
			throw new IllegalArgumentException("No slate segment of " + millis + " ms");
		}
		CompletableFuture<ByteBuffer> mine = new CompletableFuture<>();
		CompletableFuture<ByteBuffer> running = made.putIfAbsent(millis, mine);
		if (running != null) {
			return running.join().duplicate();
		}
		try {
			mine.complete(make(millis));
		}
		catch (RuntimeException ex) {
			made.remove(millis, mine);
			mine.completeExceptionally(ex);
			throw ex;
		}
		return mine.join().duplicate();
	}

	private ByteBuffer make(int millis) {
		try {
			Files.createDirectories(scratch);
			Path picture = scratch.resolve("slate.png");
			if (!Files.exists(picture)) {
				try (InputStream in = SlateSegments.class.getResourceAsStream("/media/slate.png")) {
					if (in == null) {
						throw new IllegalStateException("The slate picture is missing from the build");
					}
					Files.copy(in, picture);
				}
			}
			Path out = Files.createTempFile(scratch, "back-soon-", ".ts");
			try {
				String seconds = String.valueOf(millis / 1000.0);
				Process process = ChildProcesses.start(new ProcessBuilder(List.of(ffmpeg.toString(), "-nostdin", "-y",
						"-v", "error", "-loop", "1", "-framerate", "25", "-i", picture.toString(), "-f", "lavfi", "-i",
						"anullsrc=r=48000:cl=stereo", "-t", seconds, "-vf", "scale=640:360,format=yuv420p", "-c:v",
						"libx264", "-profile:v", "baseline", "-preset", "veryfast", "-g", "250", "-c:a", "aac", "-b:a",
						"64k", "-f", "mpegts", out.toString())).redirectErrorStream(true));
				String said = new String(process.getInputStream().readAllBytes());
				if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
					process.destroyForcibly();
					throw new IllegalStateException("The slate segment could not be made: " + said.strip());
				}
				byte[] bytes = Files.readAllBytes(out);
				return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
			}
			finally {
				Files.deleteIfExists(out);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while making the slate segment", ex);
		}
	}

}
