package dev.keyframe.live.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.keyframe.platform.ChildProcesses;

/**
 * Watches one feed of a channel with two for a black picture and for silence: an ffmpeg of its own decodes the
 * feed's keyframes only (one frame a keyframe interval, a few percent of a core for 720p) at 64x36 through
 * {@code blackframe}, and its audio through {@code silencedetect}, and says what it sees as it sees it. The feed is
 * offered to it and never waits for it: when it falls behind, bytes are dropped (it resynchronises on the next
 * packet), so a stuck watch can only miss a fault, never slow the feed.
 */
final class FeedWatch {

	private static final Logger log = LoggerFactory.getLogger(FeedWatch.class);

	/** A picture with at least this share of its pixels dark is black. */
	static final int BLACK_PERCENT = 98;

	/** Sound quieter than this is silence; the watch reports it once it has lasted {@link #SILENCE_MIN_MS}. */
	static final String SILENCE_NOISE = "-60dB";

	static final long SILENCE_MIN_MS = 500;

	private static final Pattern BLACKFRAME = Pattern.compile("\\bpblack:(\\d+)");

	private static final Pattern SILENCE_START = Pattern.compile("silence_start: ");

	private static final Pattern SILENCE_END = Pattern.compile("silence_end: ");

	/** What the watch saw; called on its own thread. */
	interface Listener {

		void picture(boolean black);

		void sound(boolean silent);

	}

	private final Process process;

	private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(256);

	private volatile boolean closed;

	private FeedWatch(Process process) {
		this.process = process;
	}

	static List<String> command(String ffmpeg) {
		return List.of(ffmpeg, "-hide_banner", "-nostats", "-loglevel", "info", "-probesize", "2000000",
				"-skip_frame", "nokey", "-f", "mpegts", "-i", "pipe:0", "-map", "0:v:0", "-map", "0:a:0?",
				"-vf", "scale=64:36,blackframe=amount=0:threshold=32",
				"-af", "silencedetect=noise=" + SILENCE_NOISE + ":d=" + SILENCE_MIN_MS / 1000.0, "-f", "null", "-");
	}

	static FeedWatch start(String ffmpeg, String name, Listener listener) {
		Process process;
		try {
			process = ChildProcesses.start(new ProcessBuilder(command(ffmpeg)).redirectErrorStream(true));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException("The feed watch could not be started: " + ex.getMessage(), ex);
		}
		FeedWatch watch = new FeedWatch(process);
		Thread.ofVirtual().name("watch-in-" + name).start(watch::pump);
		Thread.ofVirtual().name("watch-out-" + name).start(() -> watch.read(listener));
		return watch;
	}

	/** Offers the feed's next bytes; dropped when the watch is behind. */
	void offer(byte[] data, int length) {
		if (!closed) {
			queue.offer(java.util.Arrays.copyOf(data, length));
		}
	}

	void close() {
		closed = true;
		queue.clear();
		queue.offer(new byte[0]);
		process.destroyForcibly();
	}

	boolean alive() {
		return process.isAlive();
	}

	private void pump() {
		try (OutputStream in = process.getOutputStream()) {
			while (!closed) {
				byte[] chunk = queue.poll(1, TimeUnit.SECONDS);
				if (chunk == null) {
					continue;
				}
				if (chunk.length == 0) {
					return;
				}
				in.write(chunk);
				if (queue.isEmpty()) {
					in.flush();
				}
			}
		}
		catch (IOException ex) {
			if (!closed) {
				log.debug("A feed watch stopped taking bytes: {}", ex.toString());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void read(Listener listener) {
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = out.readLine()) != null) {
				see(line, listener);
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	/** Reads one line of the watch's ffmpeg. */
	static void see(String line, Listener listener) {
		Matcher black = BLACKFRAME.matcher(line);
		if (black.find()) {
			listener.picture(Integer.parseInt(black.group(1)) >= BLACK_PERCENT);
		}
		else if (SILENCE_START.matcher(line).find()) {
			listener.sound(true);
		}
		else if (SILENCE_END.matcher(line).find()) {
			listener.sound(false);
		}
	}

}
