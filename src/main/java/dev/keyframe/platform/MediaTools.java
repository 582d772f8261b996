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
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import com.github.kokorin.jaffree.ffmpeg.FFmpeg;
import com.github.kokorin.jaffree.ffprobe.FFprobe;
import com.github.kokorin.jaffree.process.JaffreeAbnormalExitException;

/**
 * Where ffmpeg and ffprobe are. Configured paths win; otherwise the ffmpeg build packaged in the jar is
 * unpacked once and used, so a fresh machine needs no ffmpeg installed.
 */
@Component
public class MediaTools {

	/**
	 * The container formats Keyframe reads (ffmpeg's {@code -format_whitelist}). Playlists and other formats that
	 * make ffmpeg open further URLs (HLS, DASH, concat) are not among them, so an uploaded file cannot point the
	 * workers at other hosts.
	 */
	public static final String INPUT_FORMATS = "mov,matroska,webm,mpegts,mpeg,avi,flv,mxf,asf,wav,mp3,aac,flac,ogg,"
			+ "caf,aiff,w64,dv,gxf,m4v,h264,hevc,ivf,amr,ac3,eac3,dts,truehd";

	private final Path ffmpeg;

	private final Path ffprobe;

	private final Path ffmpegBackground;

	private final String version;

	MediaTools(MediaSettings settings, Instance instance) {
		Path bin = instance.scratch("bin");
		this.ffmpeg = settings.ffmpeg() != null ? dying(settings.ffmpeg(), bin)
				: bundled(Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class)), bin);
		this.ffprobe = settings.ffprobe() != null ? dying(settings.ffprobe(), bin)
				: bundled(Path.of(Loader.load(org.bytedeco.ffmpeg.ffprobe.class)), bin);
		this.ffmpegBackground = wrapper(this.ffmpeg, "background",
				"exec " + ChildProcesses.shellPrefix() + "nice -n 10 \"" + this.ffmpeg + "\" \"$@\"", bin);
		this.version = runVersion(this.ffmpeg);
	}

	public Path ffmpegPath() {
		return ffmpeg;
	}

	public Path ffprobePath() {
		return ffprobe;
	}

	/**
	 * What ffmpeg or ffprobe said before failing, oldest first (empty when the failure was not the tool's exit,
	 * e.g. it could not be started).
	 */
	public static List<String> errorLines(@Nullable Throwable failure) {
		return failure instanceof JaffreeAbnormalExitException abnormal
				? abnormal.getProcessErrorLogMessages().stream().map(message -> message.message).toList() : List.of();
	}

	/** The first line of {@code ffmpeg -version}. */
	public String version() {
		return version;
	}

	public FFmpeg ffmpeg() {
		return new FFmpeg(ffmpeg);
	}

	/**
	 * ffmpeg at a lower CPU priority ({@code nice 10}), for encodes nobody is waiting on, so that the encodes that
	 * make an asset playable get the cores first while these use whatever is left.
	 */
	public FFmpeg ffmpegInBackground() {
		return new FFmpeg(ffmpegBackground);
	}

	public FFprobe ffprobe() {
		return new FFprobe(ffprobe);
	}

	/**
	 * The bundled binaries find their direct libraries through their RUNPATH but not the libraries those need
	 * (libva), so they run through a two-line wrapper that sets the library path to their own folder.
	 */
	private static Path bundled(Path binary, Path bin) {
		return wrapper(binary, "", "LD_LIBRARY_PATH=\"" + binary.getParent() + "${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\" exec "
				+ ChildProcesses.shellPrefix() + "\"" + binary + "\" \"$@\"", bin);
	}

	/** A configured binary, run through a wrapper that makes it die with this JVM, as the bundled ones do. */
	private static Path dying(Path binary, Path bin) {
		return wrapper(binary, "", "exec " + ChildProcesses.shellPrefix() + "\"" + binary + "\" \"$@\"", bin);
	}

	/**
	 * Writes (atomically) a shell script that runs {@code command} and returns its path. Every wrapper {@code exec}s
	 * through {@link ChildProcesses#shellPrefix()}, so the tool keeps the wrapper's pid and dies with this JVM (ffmpeg
	 * runs from threads that live until it ends: Jaffree's own, or the caller waiting on it). The wrappers are in this
	 * instance's own directory, so instances with different settings on one host never share one.
	 */
	private static Path wrapper(Path binary, String suffix, String command, Path folder) {
		String name = binary.getFileName().toString();
		Path wrapper = folder.resolve((name.startsWith("keyframe-") ? name : "keyframe-" + name)
				+ (suffix.isEmpty() ? "" : "-" + suffix));
		String script = "#!/bin/sh\n" + command + "\n";
		try {
			Files.createDirectories(folder);
			if (!Files.exists(wrapper) || !Files.readString(wrapper).equals(script)) {
				Path temp = Files.createTempFile(folder, "wrapper", ".sh");
				Files.writeString(temp, script);
				Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
				Files.move(temp, wrapper, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			return wrapper;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot prepare the wrapper for " + binary, ex);
		}
	}

	private static String runVersion(Path binary) {
		try {
			Process process = ChildProcesses
				.start(new ProcessBuilder(binary.toString(), "-hide_banner", "-version").redirectErrorStream(true));
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
