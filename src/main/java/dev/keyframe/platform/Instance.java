package dev.keyframe.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * This instance of the fleet: its id, its roles, and a work directory of its own. Instances on one host never
 * share a directory: each has {@code <work-root>/<id>}, made at start and removed at a clean stop; a start also
 * removes the directories of instances on this host that are gone (killed, crashed), so scratch never piles up.
 * <p>
 * Settings: {@code keyframe.roles}, {@code keyframe.instance.id} (default {@code <host>-<pid>}) and
 * {@code keyframe.instance.work-root} (default {@code <java.io.tmpdir>/keyframe}).
 */
@Component
public class Instance implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(Instance.class);

	private static final String PID_FILE = "instance.pid";

	private final String id;

	private final Set<Role> roles;

	private final Path root;

	private final Path workDir;

	Instance(Environment env) {
		this.roles = roles(env);
		this.id = env.getProperty("keyframe.instance.id", defaultId()).replaceAll("[^A-Za-z0-9._-]", "_");
		this.root = Path.of(env.getProperty("keyframe.instance.work-root",
				Path.of(System.getProperty("java.io.tmpdir"), "keyframe").toString()))
			.toAbsolutePath();
		this.workDir = root.resolve(id);
		reapGone();
		try {
			Files.createDirectories(workDir);
			ProcessHandle self = ProcessHandle.current();
			Files.writeString(workDir.resolve(PID_FILE), self.pid() + " "
					+ self.info().startInstant().map(Instant::toString).orElse("") + "\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot make the instance's work directory " + workDir, ex);
		}
		log.info("Instance {} with roles {} (work directory {})", id,
				roles.isEmpty() ? "none" : roles.stream().map(Role::label).collect(Collectors.joining(",")), workDir);
	}

	/** The roles the environment gives this instance ({@code keyframe.roles}, default {@link Role#DEFAULT}). */
	public static Set<Role> roles(Environment env) {
		return Role.parse(env.getProperty("keyframe.roles", Role.DEFAULT));
	}

	public String id() {
		return id;
	}

	public Set<Role> roles() {
		return roles;
	}

	public boolean has(Role role) {
		return roles.contains(role);
	}

	/** This instance's own directory: nothing in it is the source of truth, and it goes when the instance does. */
	public Path workDir() {
		return workDir;
	}

	/** A directory of this instance's work directory, made if missing. */
	public Path scratch(String name) {
		Path dir = workDir.resolve(name);
		try {
			return Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot make " + dir, ex);
		}
	}

	@Override
	public void destroy() {
		delete(workDir);
	}

	/** The work directories of instances that are gone: their process no longer runs (or its pid was reused). */
	private void reapGone() {
		if (!Files.isDirectory(root)) {
			return;
		}
		List<Path> dirs;
		try (Stream<Path> list = Files.list(root)) {
			dirs = list.filter(Files::isDirectory).toList();
		}
		catch (IOException ex) {
			log.warn("Could not look for the work directories of stopped instances in {}: {}", root, ex.toString());
			return;
		}
		for (Path dir : dirs) {
			Optional<String> owner = read(dir.resolve(PID_FILE));
			if (owner.isEmpty() || dir.equals(workDir) && owner.get().startsWith(ProcessHandle.current().pid() + " ")) {
				continue;
			}
			if (!alive(owner.get())) {
				log.info("Removing {}, left by an instance that is gone (pid {})", dir, owner.get().split(" ")[0]);
				delete(dir);
			}
		}
	}

	private static boolean alive(String owner) {
		String[] parts = owner.strip().split(" ");
		try {
			long pid = Long.parseLong(parts[0]);
			return ProcessHandle.of(pid)
				.filter(ProcessHandle::isAlive)
				.filter(p -> parts.length < 2
						|| p.info().startInstant().map(Instant::toString).map(parts[1]::equals).orElse(true))
				.isPresent();
		}
		catch (NumberFormatException ex) {
			return true; // not ours to judge
		}
	}

	private static Optional<String> read(Path file) {
		try {
			return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private static void delete(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			log.warn("Could not remove {}: {}", dir, ex.toString());
		}
	}

	private static String defaultId() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (IOException ex) {
			host = "host";
		}
		return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
	}

}
