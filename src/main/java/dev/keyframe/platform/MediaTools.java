package dev.keyframe.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.Loader;
import org.springframework.stereotype.Component;

import com.github.kokorin.jaffree.ffmpeg.FFmpeg;
import com.github.kokorin.jaffree.ffprobe.FFprobe;

/**
 * Where ffmpeg and ffprobe are. Configured paths win; otherwise the ffmpeg build packaged in the jar is
 * unpacked once and used, so a fresh machine needs no ffmpeg installed.
 */
@Component
public class MediaTools {

	private final Path ffmpeg;

	private final Path ffprobe;

	private final String version;

	MediaTools(MediaSettings settings) {
		this.ffmpeg = settings.ffmpeg() != null ? settings.ffmpeg()
				: bundled(Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class)));
		this.ffprobe = settings.ffprobe() != null ? settings.ffprobe()
				: bundled(Path.of(Loader.load(org.bytedeco.ffmpeg.ffprobe.class)));
		this.version = runVersion(this.ffmpeg);
	}

	public Path ffmpegPath() {
		return ffmpeg;
	}

	public Path ffprobePath() {
		return ffprobe;
	}

	/** The first line of {@code ffmpeg -version}. */
	public String version() {
		return version;
	}

	public FFmpeg ffmpeg() {
		return new FFmpeg(ffmpeg);
	}

	public FFprobe ffprobe() {
		return new FFprobe(ffprobe);
	}

	/**
	 * The bundled binaries find their direct libraries through their RUNPATH but not the libraries those need
	 * (libva), so they run through a two-line wrapper that sets the library path to their own folder.
	 */
	private static Path bundled(Path binary) {
		Path wrapper = binary.resolveSibling("keyframe-" + binary.getFileName());
		String script = "#!/bin/sh\nLD_LIBRARY_PATH=\"" + binary.getParent() + "${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\" exec \""
				+ binary + "\" \"$@\"\n";
		try {
			if (!Files.exists(wrapper) || !Files.readString(wrapper).equals(script)) {
				Path temp = Files.createTempFile(binary.getParent(), "wrapper", ".sh");
				Files.writeString(temp, script);
				Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
				Files.move(temp, wrapper, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			return wrapper;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot prepare the bundled " + binary.getFileName(), ex);
		}
	}

	private static String runVersion(Path binary) {
		try {
			Process process = new ProcessBuilder(binary.toString(), "-hide_banner", "-version")
				.redirectErrorStream(true)
				.start();
			List<String> lines = new ArrayList<>(process.inputReader().lines().toList());
			if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0 || lines.isEmpty()) {
				throw new IllegalStateException("ffmpeg at " + binary + " does not run: " + String.join("\n", lines));
			}
			return lines.get(0);
		}
		catch (IOException ex) {
			throw new IllegalStateException("ffmpeg at " + binary + " cannot be started: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
