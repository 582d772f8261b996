package dev.keyframe.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts child processes that die with this JVM, however it dies: each gets {@code PR_SET_PDEATHSIG} (through
 * util-linux's {@code setpriv --pdeathsig KILL}), which fires when the thread that started it ends; so every start
 * happens on one platform thread that lives as long as the JVM, never on a virtual thread's carrier.
 */
public final class ChildProcesses {

	private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

	private static final ExecutorService SPAWNER = Executors
		.newSingleThreadExecutor(Thread.ofPlatform().name("child-processes").daemon().factory());

	private ChildProcesses() {
	}

	public static Process start(ProcessBuilder builder) throws IOException {
		if (Files.isExecutable(SETPRIV)) {
			List<String> command = new ArrayList<>(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
			command.addAll(builder.command());
			builder.command(command);
		}
		try {
			return SPAWNER.submit(builder::start).get();
		}
		catch (ExecutionException ex) {
			throw ex.getCause() instanceof IOException io ? io : new IOException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while starting " + builder.command().getFirst(), ex);
		}
	}

}
