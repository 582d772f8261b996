package dev.keyframe.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.springframework.core.env.ConfigurableEnvironment;

import dev.keyframe.platform.InstanceSettings;

/**
 * Another instance of the fleet as a real OS process: this same application in the roles given, attached to the
 * test context's stand-ins (its database, storage and queue), as {@code ops/keyframe run --keyframe.roles=...}
 * attaches to {@code ops/keyframe stack}.
 */
public final class FleetInstance implements AutoCloseable {

	private final Process process;

	private final Path log;

	private FleetInstance(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	public static FleetInstance start(ConfigurableEnvironment env, String id, String roles, Map<String, String> extra,
			Path dir) throws IOException {
		Map<String, String> settings = new LinkedHashMap<>(InstanceSettings.shared(env));
		settings.put("keyframe.roles", roles);
		settings.put("keyframe.instance.id", id);
		settings.putAll(extra);
		List<String> java = InstanceSettings.javaCommand();
		List<String> command = new ArrayList<>();
		command.add(java.getFirst());
		command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m",
				"--enable-native-access=ALL-UNNAMED"));
		command.addAll(java.subList(1, java.size()));
		Path log = Files.createDirectories(dir).resolve(id + ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		builder.environment().put("SPRING_APPLICATION_JSON", InstanceSettings.json(settings));
		return new FleetInstance(builder.start(), log);
	}

	/** Waits until the instance has started (its context is up), or fails with the end of its log. */
	public FleetInstance awaitStarted() {
		Awaitility.await("instance " + log.getFileName() + " to start")
			.atMost(Duration.ofSeconds(180))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> {
				if (!process.isAlive()) {
					throw new AssertionError("The instance exited (" + process.exitValue() + "):\n" + tail());
				}
				return Files.readString(log).contains("Started KeyframeApplication");
			});
		return this;
	}

	public long pid() {
		return process.pid();
	}

	public boolean alive() {
		return process.isAlive();
	}

	/** Its ffmpeg (and other) descendants now. */
	public List<ProcessHandle> descendants() {
		return process.descendants().toList();
	}

	/** kill -9, as the OOM killer or a lost host would. */
	public void kill() throws InterruptedException {
		process.destroyForcibly();
		process.waitFor(30, TimeUnit.SECONDS);
	}

	/** A graceful stop (SIGTERM); true if it exited in time. */
	public boolean stop(Duration within) throws InterruptedException {
		process.destroy();
		return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
	}

	public String tail() {
		try {
			List<String> lines = Files.readAllLines(log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (process.isAlive()) {
			process.destroyForcibly();
			process.waitFor(30, TimeUnit.SECONDS);
		}
	}

}
