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

	/**
	 * The clip with text streams added as an MP4 holds them (mov_text), one per SubRip file, each tagged with its
	 * language (ISO 639-2, as muxers write it) and, where given, marked for the hearing impaired.
	 */
	public static Path withTextStreams(Path ffmpeg, Path clip, List<TextStream> streams) throws IOException {
		Path out = clip.resolveSibling("texts-" + clip.getFileName());
		List<String> args = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-y", "-i",
				clip.toString()));
		for (TextStream stream : streams) {
			args.addAll(List.of("-i", stream.srt().toString()));
		}
		args.addAll(List.of("-map", "0:v", "-map", "0:a?"));
		for (int i = 0; i < streams.size(); i++) {
			args.addAll(List.of("-map", (i + 1) + ":0"));
		}
		args.addAll(List.of("-c:v", "copy", "-c:a", "copy", "-c:s", "mov_text"));
		for (int i = 0; i < streams.size(); i++) {
			args.addAll(List.of("-metadata:s:s:" + i, "language=" + streams.get(i).language()));
			if (streams.get(i).hearingImpaired()) {
				args.addAll(List.of("-disposition:s:" + i, "hearing_impaired"));
			}
		}
		args.add(out.toString());
		run(args);
		return out;
	}

	/**
	 * A {@code seconds} long 426x240 Matroska clip with one AAC audio stream per {@code streams}, each a sine tone of its own
	 * frequency tagged with its language and title; the one marked {@code isDefault} (or none) gets the default
	 * disposition.
	 */
	public static Path withAudioStreams(Path ffmpeg, Path dir, int seconds, List<AudioStream> streams)
			throws IOException {
		Path out = dir.resolve("audio-streams-" + streams.size() + ".mkv"); // Matroska keeps a stream's title
		List<String> args = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-y",
				"-f", "lavfi", "-i", "testsrc2=size=426x240:rate=30:duration=" + seconds));
		for (AudioStream stream : streams) {
			args.addAll(List.of("-f", "lavfi", "-i",
					"sine=frequency=" + stream.frequency() + ":sample_rate=48000:duration=" + seconds));
		}
		args.addAll(List.of("-map", "0:v"));
		for (int i = 0; i < streams.size(); i++) {
			args.addAll(List.of("-map", (i + 1) + ":a"));
		}
		args.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a",
				"96k"));
		for (int i = 0; i < streams.size(); i++) {
			AudioStream stream = streams.get(i);
			args.addAll(List.of("-metadata:s:a:" + i, "language=" + stream.language()));
			if (stream.title() != null) {
				args.addAll(List.of("-metadata:s:a:" + i, "title=" + stream.title()));
			}
			args.addAll(List.of("-disposition:a:" + i, stream.isDefault() ? "default" : "0"));
		}
		args.add(out.toString());
		run(args);
		return out;
	}

	/** An audio stream to make: a tone, its language tag (ISO 639-2, as muxers write it) and title. */
	public record AudioStream(int frequency, String language, @org.jspecify.annotations.Nullable String title,
			boolean isDefault) {
	}

	/**
	 * The main frequency of the audio in a media file or URL, in Hz, from how often its first channel's decoded
	 * samples cross zero (a pure tone crosses twice per period).
	 */
	public static double toneFrequency(Path ffmpeg, String input) throws IOException {
		Process process = new ProcessBuilder(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-i", input,
				"-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "s16le", "-").redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		byte[] pcm = process.getInputStream().readAllBytes();
		try {
			if (process.waitFor() != 0) {
				throw new IOException("ffmpeg could not decode the audio of " + input);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
		java.nio.ShortBuffer samples = java.nio.ByteBuffer.wrap(pcm).order(java.nio.ByteOrder.LITTLE_ENDIAN).asShortBuffer();
		int crossings = 0;
		short previous = 0;
		int count = samples.remaining();
		for (int i = 0; i < count; i++) {
			short sample = samples.get(i);
			if (i > 0 && (previous < 0) != (sample < 0)) {
				crossings++;
			}
			previous = sample;
		}
		return count == 0 ? 0 : crossings / 2.0 / (count / 48_000.0);
	}

	/** A SubRip file to embed, with its language tag. */
	public record TextStream(Path srt, String language, boolean hearingImpaired) {
	}

	/**
	 * One second of 576i25 (720x576, 25 frames of two fields each), encoded interlaced by x264 with the given field
	 * first, so ffprobe reports {@code field_order} {@code tt} or {@code bb}. Without {@code interlaced}, the same
	 * picture progressive.
	 */
	public static Path interlaced(Path ffmpeg, Path dir, boolean interlaced, boolean topFieldFirst) throws IOException {
		return interlaced(ffmpeg, dir, interlaced, topFieldFirst, 1);
	}

	/** As {@link #interlaced(Path, Path, boolean, boolean)}, {@code seconds} long. */
	public static Path interlaced(Path ffmpeg, Path dir, boolean interlaced, boolean topFieldFirst, int seconds)
			throws IOException {
		String order = !interlaced ? "progressive" : topFieldFirst ? "tt" : "bb";
		Path out = dir.resolve("pal-" + order + "-" + seconds + ".mp4");
		List<String> args = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-y",
				"-f", "lavfi", "-i", "testsrc2=size=720x576:rate=50", "-t", String.valueOf(seconds)));
		if (interlaced) {
			args.addAll(List.of("-vf", "interlace=scan=" + (topFieldFirst ? "tff" : "bff"), "-flags", "+ildct+ilme",
					"-x264-params", topFieldFirst ? "tff=1" : "bff=1", "-field_order", order));
		}
		else {
			args.addAll(List.of("-r", "25"));
		}
		args.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", out.toString()));
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

	/** How many frames the first video stream of a playlist (URL or file) decodes to. */
	public static int frameCount(Path ffprobe, String url, String cookie) throws IOException {
		return Integer.parseInt(run(List.of(ffprobe.toString(), "-v", "error", "-headers", "Cookie: " + cookie + "\r\n",
				"-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0",
				url)).get(0).strip());
	}

	/**
	 * A rendition's segments, fetched with a Cookie header as a player fetches them and joined into one file, after
	 * the init segment for CMAF (an MPEG-TS or a fragmented MP4 file: the timeline a player plays, without ffmpeg's
	 * HLS reader in between).
	 */
	public static Path joined(String playlistUrl, String cookie, Path out) throws IOException {
		java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
		String base = playlistUrl.substring(0, playlistUrl.lastIndexOf('/') + 1);
		try (var file = Files.newOutputStream(out)) {
			for (String line : fetch(http, playlistUrl, cookie).lines().toList()) {
				java.util.regex.Matcher map = java.util.regex.Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"").matcher(line);
				if (map.find()) {
					file.write(fetchBytes(http, base + map.group(1), cookie));
				}
				if (!line.isBlank() && !line.startsWith("#")) {
					file.write(fetchBytes(http, base + line.strip(), cookie));
				}
			}
		}
		return out;
	}

	private static String fetch(java.net.http.HttpClient http, String url, String cookie) throws IOException {
		return new String(fetchBytes(http, url, cookie), java.nio.charset.StandardCharsets.UTF_8);
	}

	private static byte[] fetchBytes(java.net.http.HttpClient http, String url, String cookie) throws IOException {
		try {
			var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Cookie", cookie)
				.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
			if (response.statusCode() != 200) {
				throw new IOException(url + " answered " + response.statusCode());
			}
			return response.body();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/**
	 * What ffmpeg's {@code idet} filter makes of a video (URL or file), over several frames at once: how many frames
	 * look top field first, bottom field first, and progressive.
	 */
	public static int[] fieldDetection(Path ffmpeg, String url, String cookie) throws IOException {
		List<String> command = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostats", "-loglevel", "info"));
		if (!cookie.isEmpty()) {
			command.addAll(List.of("-headers", "Cookie: " + cookie + "\r\n"));
		}
		command.addAll(List.of("-i", url, "-map", "0:v:0", "-vf", "idet", "-f", "null", "-"));
		// ffmpeg 8 reports once for a graph it configures and drops, with zeros, and then for the one that ran
		String line = run(command).stream().filter(l -> l.contains("Multi frame detection:")).reduce((a, b) -> b)
			.orElseThrow(() -> new IOException("idet said nothing about " + url));
		java.util.regex.Matcher m = java.util.regex.Pattern
			.compile("TFF:\\s*(\\d+)\\s+BFF:\\s*(\\d+)\\s+Progressive:\\s*(\\d+)").matcher(line);
		if (!m.find()) {
			throw new IOException("Unexpected idet output: " + line);
		}
		return new int[] { Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)) };
	}

	/** Presentation times (seconds) of the packets of the first stream of a type ({@code v} or {@code a}), in order. */
	public static List<Double> packetTimes(Path ffprobe, String url, String cookie, String type) throws IOException {
		List<String> command = new ArrayList<>(List.of(ffprobe.toString(), "-v", "error"));
		if (!cookie.isEmpty()) {
			command.addAll(List.of("-headers", "Cookie: " + cookie + "\r\n"));
		}
		command.addAll(List.of("-select_streams", type + ":0", "-show_entries", "packet=pts_time", "-of", "csv=p=0", url));
		List<String> lines = run(command);
		return lines.stream().map(l -> l.replace(",", "").strip()).filter(l -> !l.isEmpty() && !l.equals("N/A")).map(Double::valueOf)
			.sorted().toList();
	}

	/** {@code width,height,codec} of the first video stream of a URL or file. */
	public static String videoStream(Path ffprobe, String url, String cookie) throws IOException {
		return run(List.of(ffprobe.toString(), "-v", "error", "-headers", "Cookie: " + cookie + "\r\n",
				"-select_streams", "v:0", "-show_entries", "stream=width,height,codec_name", "-of", "csv=p=0", url))
			.get(0);
	}

	public static List<String> run(List<String> command) throws IOException {
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
	/** How many bits of the capture clock {@link #clockFeed} burns into the picture: milliseconds, 4.6 hours. */
	public static final int CLOCK_BITS = 24;

	/**
	 * A broadcaster whose picture carries when each frame was captured: every frame is stamped with the wall clock
	 * as it is made, and that time (milliseconds after {@code epochMs}) is drawn into its top-left corner as
	 * {@link #CLOCK_BITS} black or white blocks of 16x16 pixels, least significant first, for
	 * {@link #capturedAt} to read back from any rendition. 640x360, no audio, MPEG-TS over HTTP, flushed at once.
	 */
	public static Process clockFeed(Path ffmpeg, int seconds, String url, long epochMs, Path log) throws IOException {
		String bits = "crop=" + CLOCK_BITS * 16 + ":16:0:0,geq=lum='255*mod(floor(T*1000/pow(2,floor(X/16))),2)'"
				+ ":cb=128:cr=128";
		String filter = "[0:v]settb=AVTB,setpts=RTCTIME-" + epochMs * 1000 + ",split[a][b];[b]" + bits + "[bits];"
				+ "[a][bits]overlay=0:0,format=yuv420p";
		return new ProcessBuilder(ffmpeg.toString(), "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
				"-readrate_initial_burst", "0", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-filter_complex", filter, "-frames:v",
				String.valueOf(seconds * 30), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g",
				"30", "-flush_packets", "1", "-muxdelay", "0", "-f", "mpegts", "-method", "POST", "-icy", "0", url)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
	}

	/**
	 * When the first frame of a video was captured, read from the blocks {@link #clockFeed} drew (the picture may
	 * have been scaled since): epoch milliseconds.
	 */
	public static long capturedAt(Path ffmpeg, String video, int width, long epochMs) throws IOException {
		String region = "crop=iw*" + CLOCK_BITS * 16 + "/" + width + ":ih*16/" + width * 9 / 16 + ":0:0,scale="
				+ CLOCK_BITS + ":1:flags=area,format=gray";
		Process read = new ProcessBuilder(ffmpeg.toString(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i",
				video, "-vf", region, "-frames:v", "1", "-f", "rawvideo", "-").start();
		byte[] gray = read.getInputStream().readAllBytes();
		try {
			if (read.waitFor() != 0 || gray.length != CLOCK_BITS) {
				throw new IOException("No clock in " + video + ": " + new String(read.getErrorStream().readAllBytes()));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
		long value = 0;
		for (int bit = 0; bit < CLOCK_BITS; bit++) {
			if ((gray[bit] & 0xff) > 128) {
				value |= 1L << bit;
			}
		}
		return epochMs + value;
	}

	public static Process liveFeed(Path ffmpeg, int seconds, String format, String url, Path log) throws IOException {
		return liveFeed(ffmpeg, seconds, "null", format, url, log);
	}

	/** The same feed, its picture through {@code videoFilter} (for example a black box over part of its time). */
	public static Process liveFeed(Path ffmpeg, int seconds, String videoFilter, String format, String url, Path log)
			throws IOException {
		List<String> args = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-loglevel", "error",
				"-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i",
				"sine=frequency=440:sample_rate=48000", "-t", String.valueOf(seconds), "-vf", videoFilter, "-c:v",
				"libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-pix_fmt", "yuv420p", "-c:a",
				"aac", "-b:a", "96k", "-f", format));
		if (url.startsWith("http")) {
			args.addAll(List.of("-method", "POST", "-icy", "0"));
		}
		args.add(url);
		return new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

}
