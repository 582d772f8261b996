package dev.keyframe.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test media made by ffmpeg's lavfi sources at test time, and an independent ffprobe for checking output.
 */
public final class Media {

	private Media() {
	}

	/**
	 * A noisy test pattern (so it really takes the 8 Mb/s and spans several upload parts), with a tone:
	 * {@code width}x{@code height}, {@code seconds} long. The MP4 index is at the end, as most cameras write it.
	 */
	public static Path clip(Path ffmpeg, Path dir, int width, int height, int seconds, boolean audio)
			throws IOException {
		Path out = dir.resolve("clip-" + width + "x" + height + "-" + seconds + (audio ? "" : "-silent") + ".mp4");
		List<String> args = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-y",
				"-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height + ":rate=30:duration=" + seconds + ",noise=alls=12:allf=t"));
		if (audio) {
			args.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
					"-c:a", "aac", "-b:a", "128k"));
		}
		args.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-b:v", "8M", "-pix_fmt", "yuv420p",
				out.toString()));
		run(args);
		return out;
	}

	/** A tone only, in an M4A container. */
	public static Path tone(Path ffmpeg, Path dir, int seconds) throws IOException {
		Path out = dir.resolve("tone-" + seconds + ".m4a");
		run(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
				"sine=frequency=330:sample_rate=48000:duration=" + seconds, "-c:a", "aac", "-b:a", "128k",
				out.toString()));
		return out;
	}

	/**
	 * Keyframe times (seconds) of the first video stream of an HLS playlist, read over HTTP with a Cookie header
	 * (the CDN's signed cookies; ffmpeg sends it with the segment requests too).
	 */
	public static List<Double> keyframes(Path ffprobe, String playlistUrl, String cookie) throws IOException {
		List<String> lines = run(List.of(ffprobe.toString(), "-v", "error", "-headers", "Cookie: " + cookie + "\r\n",
				"-select_streams", "v:0", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", playlistUrl));
		List<Double> keyframes = new ArrayList<>();
		for (String line : lines) {
			String[] parts = line.split(",");
			if (parts.length >= 2 && parts[1].startsWith("K") && !parts[0].equals("N/A")) {
				keyframes.add(Double.parseDouble(parts[0]));
			}
		}
		double origin = keyframes.isEmpty() ? 0 : keyframes.get(0);
		return keyframes.stream().map(k -> k - origin).toList();
	}

	/** {@code width,height,codec} of the first video stream of a URL or file. */
	public static String videoStream(Path ffprobe, String url, String cookie) throws IOException {
		return run(List.of(ffprobe.toString(), "-v", "error", "-headers", "Cookie: " + cookie + "\r\n",
				"-select_streams", "v:0", "-show_entries", "stream=width,height,codec_name", "-of", "csv=p=0", url))
			.get(0);
	}

	static List<String> run(List<String> command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		List<String> lines = process.inputReader().lines().toList();
		try {
			if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IOException(command.get(0) + " failed: " + String.join("\n", lines));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
		return lines;
	}

	public static Path write(Path dir, String name, byte[] content) throws IOException {
		return Files.write(dir.resolve(name), content);
	}

	/**
	 * A broadcaster: a 640x360 test pattern with a tone, encoded in real time for {@code seconds} and pushed to
	 * {@code url} as {@code format} ({@code mpegts} with an HTTP POST, or {@code flv} to an RTMP server).
	 */
	public static Process liveFeed(Path ffmpeg, int seconds, String format, String url, Path log) throws IOException {
		List<String> args = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-loglevel", "error",
				"-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i",
				"sine=frequency=440:sample_rate=48000", "-t", String.valueOf(seconds), "-c:v", "libx264", "-preset",
				"ultrafast", "-tune", "zerolatency", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k",
				"-f", format));
		if (url.startsWith("http")) {
			args.addAll(List.of("-method", "POST", "-icy", "0"));
		}
		args.add(url);
		return new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

}
