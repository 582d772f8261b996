package dev.keyframe.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Child processes that die with this JVM, however it ends (kill -9 included): each is started through
 * {@code setpriv --pdeathsig KILL} (util-linux), so the kernel kills it when its parent goes.
 * <p>
 * The kernel sends that signal when the <em>thread</em> that started the child exits, not the process. So
 * {@link #start} starts every process from one platform thread that lives as long as the JVM; a process started
 * from a request thread, a virtual thread's carrier or a short-lived worker would otherwise be killed when that
 * thread ends. Where {@code setpriv} is missing the processes are started plainly (logged once): they then
 * outlive a killed JVM, as before.
 */
public final class ChildProcesses {

	private static final Logger log = LoggerFactory.getLogger(ChildProcesses.class);

	private static final Optional<Path> SETPRIV = find("setpriv");

	private static final ExecutorService STARTER = Executors.newSingleThreadExecutor(task -> {
		Thread thread = Thread.ofPlatform().name("child-process-starter").daemon(true).unstarted(task);
		return thread;
	});

	static {
		if (SETPRIV.isEmpty()) {
			log.warn("setpriv (util-linux) is not on the PATH: child processes such as ffmpeg will outlive this JVM "
					+ "if it is killed");
		}
	}

	private ChildProcesses() {
	}

	/**
	 * Starts {@code builder}'s command so that it is killed when this JVM ends. The builder's command is left as
	 * it was.
	 */
	public static Process start(ProcessBuilder builder) throws IOException {
		List<String> command = builder.command();
		Future<Process> started = STARTER.submit(() -> {
			List<String> original = new ArrayList<>(command);
			builder.command(withParentDeathSignal(original));
			try {
				return builder.start();
			}
			finally {
				builder.command(original);
			}
		});
		try {
			return started.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof IOException io) {
				throw io;
			}
			throw new IllegalStateException("Could not start " + command, ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while starting " + command, ex);
		}
	}

	/** {@code command} prefixed with {@code setpriv --pdeathsig KILL --} where setpriv exists. */
	public static List<String> withParentDeathSignal(List<String> command) {
		if (SETPRIV.isEmpty()) {
			return command;
		}
		List<String> prefixed = new ArrayList<>(List.of(SETPRIV.get().toString(), "--pdeathsig", "KILL", "--"));
		prefixed.addAll(command);
		return prefixed;
	}

	/**
	 * The shell words that make an {@code exec} in a wrapper script die with the JVM:
	 * {@code "setpriv" --pdeathsig KILL -- } or nothing where setpriv is missing.
	 */
	public static String shellPrefix() {
		return SETPRIV.map(path -> "\"" + path + "\" --pdeathsig KILL -- ").orElse("");
	}

	private static Optional<Path> find(String program) {
		String path = System.getenv("PATH");
		List<String> dirs = new ArrayList<>(List.of(path == null ? new String[0] : path.split(":")));
		dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
		return dirs.stream()
			.filter(dir -> !dir.isEmpty())
			.map(dir -> Path.of(dir, program))
			.filter(Files::isExecutable)
			.findFirst();
	}

}
