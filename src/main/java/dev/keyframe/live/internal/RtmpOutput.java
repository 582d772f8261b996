package dev.keyframe.live.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTMP output of a live session, supervised on its own: an ffmpeg that remuxes the feed to FLV and pushes
 * it to the target. The feed reaches it through a bounded queue; when the target is down or slow the queue fills
 * and chunks are dropped, so the session's HLS output never waits for it. A process that ends is started again
 * after a backoff (1 s doubling to 30 s, back to 1 s once it has stayed up).
 */
final class RtmpOutput {

	private static final Logger log = LoggerFactory.getLogger(RtmpOutput.class);

	private static final Duration STAYED_UP = Duration.ofSeconds(5);

	private final String target;

	private final List<String> command;

	private final Path logFile;

	private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(256);

	private final BiConsumer<String, String> events;

	private final AtomicLong dropped = new AtomicLong();

	private final Thread supervisor;

	private volatile boolean running = true;

	private volatile @Nullable Process process;

	private volatile boolean up;

	RtmpOutput(Path ffmpeg, String target, boolean copyVideo, Path logFile, BiConsumer<String, String> events) {
		this.target = target;
		this.logFile = logFile;
		this.events = events;
		List<String> args = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-nostats", "-loglevel",
				"warning", "-probesize", "1M", "-analyzeduration", "1M", "-f", "mpegts", "-i", "pipe:0", "-map", "0:v:0?",
				"-map", "0:a:0?"));
		args.addAll(copyVideo ? List.of("-c:v", "copy") : List.of("-c:v", "libx264", "-preset", "veryfast", "-g", "60"));
		args.addAll(List.of("-c:a", "aac", "-b:a", "128k", "-ar", "44100", "-f", "flv", "-flvflags",
				"no_duration_filesize", "-rw_timeout", "10000000", target));
		this.command = args;
		this.supervisor = Thread.ofVirtual().name("rtmp-output").start(this::supervise);
	}

	/** Hands a chunk of the feed to the output; never blocks. */
	void offer(byte[] chunk) {
		if (!queue.offer(chunk)) {
			dropped.incrementAndGet();
		}
	}

	boolean up() {
		return up;
	}

	String target() {
		return target;
	}

	long dropped() {
		return dropped.get();
	}

	@Nullable Long pid() {
		Process current = process;
		return current == null || !current.isAlive() ? null : current.pid();
	}

	private void supervise() {
		long backoff = 1000;
		while (running) {
			long started = System.nanoTime();
			long logStart = logFile.toFile().length();
			try {
				Process started_ = dev.keyframe.platform.ChildProcesses.start(new ProcessBuilder(command)
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())));
				process = started_;
				queue.clear(); // start from the live edge, not from what piled up while it was down
				pump(started_);
			}
			catch (IOException | RuntimeException ex) {
				log.debug("RTMP output {} failed: {}", redacted(), ex.toString());
			}
			Process ended = process;
			if (ended != null) {
				ended.destroyForcibly();
			}
			boolean stayedUp = System.nanoTime() - started > STAYED_UP.toNanos();
			if (up) {
				up = false;
				if (running) {
					events.accept("OUTPUT_DOWN", redacted() + " dropped; retrying");
				}
			}
			else if (running && backoff == 1000) {
				String why;
				try {
					why = why(target, lines(logStart));
				}
				catch (RuntimeException ex) {
					why = "ended before it was up";
				}
				events.accept("OUTPUT_DOWN", redacted() + " " + why + "; retrying with backoff");
			}
			backoff = stayedUp ? 1000 : Math.min(backoff * 2, 30_000);
			sleep(backoff);
		}
	}

	private void pump(Process current) throws IOException {
		long started = System.nanoTime();
		try (OutputStream in = current.getOutputStream()) {
			while (running && current.isAlive()) {
				byte[] chunk;
				try {
					chunk = queue.poll(500, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				if (!up && current.isAlive() && System.nanoTime() - started > STAYED_UP.toNanos()) {
					up = true;
					events.accept("OUTPUT_UP", redacted() + " is receiving the feed");
				}
				if (chunk != null) {
					in.write(chunk);
				}
			}
		}
	}

	/** Stops pushing and ends the process. */
	void stop() {
		running = false;
		supervisor.interrupt();
		Process current = process;
		if (current != null) {
			try {
				current.getOutputStream().close();
				if (!current.waitFor(5, TimeUnit.SECONDS)) {
					current.destroyForcibly();
				}
			}
			catch (IOException | InterruptedException ex) {
				current.destroyForcibly();
			}
		}
		try {
			supervisor.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Why an output ended before it was up, in words, from what its ffmpeg wrote: only a refused, timed out or
	 * unroutable connection is the target being unreachable; anything else (the target refused the stream, the
	 * feed could not be read) is said as ffmpeg's last line said it, without the stream key.
	 */
	static String why(String target, List<String> lines) {
		if (lines.isEmpty()) {
			return "ended before it was up";
		}
		String key = target.substring(target.lastIndexOf('/') + 1);
		java.util.function.UnaryOperator<String> clean = line -> {
			String said = line.replace(target, redacted(target));
			if (key.length() >= 4) {
				said = said.replace(key, "\u2026"); // a server may echo the stream name
			}
			said = said.replaceAll("\\p{Cntrl}", "").strip();
			return said.length() > 200 ? said.substring(0, 200) + "\u2026" : said;
		};
		for (String line : lines) {
			String lower = line.toLowerCase(java.util.Locale.ROOT);
			if (lower.contains("connection refused") || lower.contains("timed out") || lower.contains("no route")
					|| lower.contains("network is unreachable") || lower.contains("cannot open connection")
					|| lower.contains("name or service not known") || lower.contains("failed to resolve")) {
				return "cannot be reached (" + clean.apply(line) + ")";
			}
		}
		return "ended before it was up (ffmpeg: " + clean.apply(lines.getLast()) + ")";
	}

	/** The lines the output's ffmpeg wrote to its log since {@code from} (the last 4 KB at most). */
	private List<String> lines(long from) {
		try (var file = new java.io.RandomAccessFile(logFile.toFile(), "r")) {
			long start = Math.max(Math.min(from, file.length()), file.length() - 4096);
			file.seek(start);
			byte[] tail = new byte[(int) (file.length() - start)];
			file.readFully(tail);
			return new String(tail, java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	/** The target without its stream key (the last path element), for logs and events. */
	String redacted() {
		return redacted(target);
	}

	static String redacted(String target) {
		int slash = target.lastIndexOf('/');
		return slash > "rtmp://".length() ? target.substring(0, slash + 1) + "\u2026" : target;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
