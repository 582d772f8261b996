package dev.keyframe.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary directory for one piece of work, in this instance's work directory, removed with everything in it
 * when closed ({@code try (var dir = ScratchDirectory.in(instance, "downloads")) { ... }}).
 */
public final class ScratchDirectory implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ScratchDirectory.class);

	private final Path path;

	private ScratchDirectory(Path path) {
		this.path = path;
	}

	/** A new directory under {@link Instance#scratch}{@code (area)}. */
	public static ScratchDirectory in(Instance instance, String area) throws IOException {
		return new ScratchDirectory(Files.createTempDirectory(instance.scratch(area), area + "-"));
	}

	public Path path() {
		return path;
	}

	public Path resolve(String name) {
		return path.resolve(name);
	}

	@Override
	public void close() {
		deleteRecursively(path);
	}

	/** Removes a directory and all in it; what cannot be removed is logged, not thrown (the instance's stop removes it). */
	public static void deleteRecursively(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		catch (IOException ex) {
			log.debug("Could not remove {}: {}", dir, ex.getMessage());
		}
	}

}
