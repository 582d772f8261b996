package dev.keyframe.live.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.stereotype.Component;

import dev.keyframe.live.TranscoderLauncher;
import dev.keyframe.platform.Instance;
import dev.keyframe.platform.InstanceSettings;

/**
 * Runs each stream's transcoder instance as an OS process of this same jar (or class path) in the
 * {@code transcoder} role, in a session of its own ({@code setsid}), so that it outlives the live instance that
 * launched it, as an ECS task would: a broadcaster who reconnects to another live instance finds it still running.
 * It gets this instance's connection settings (the database, storage, queue, the ladder) through
 * {@code SPRING_APPLICATION_JSON}, never on its command line, and writes its log into its own work directory.
 */
@Component
@ConditionalOnProperty(name = "keyframe.live.launcher", havingValue = "process", matchIfMissing = true)
class ProcessLauncher implements TranscoderLauncher {

	private static final Logger log = LoggerFactory.getLogger(ProcessLauncher.class);

	private final ConfigurableEnvironment env;

	private final Instance instance;

	ProcessLauncher(ConfigurableEnvironment env, Instance instance) {
		this.env = env;
		this.instance = instance;
	}

	@Override
	public String launch(Spec spec) {
		String id = "transcoder-" + spec.session().toString().substring(0, 8) + "-"
				+ (spec.pipeline().equals("A") ? "" : spec.pipeline().toLowerCase(java.util.Locale.ROOT)) + spec.generation();
		Path dir = instance.workDir().getParent().resolve(id);
		// its log outlives it (its work directory goes when it exits), for a day
		Path logs = instance.workDir().getParent().resolve("logs");
		try {
			Files.createDirectories(dir);
			Files.createDirectories(logs);
			prune(logs);
			List<String> command = new ArrayList<>();
			if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
				command.add("/usr/bin/setsid");
			}
			List<String> java = InstanceSettings.javaCommand();
			command.add(java.getFirst());
			// a transcoder instance mostly waits on ffmpeg: a small heap and the quick compiler start it sooner
			command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xmx384m",
					"--enable-native-access=ALL-UNNAMED"));
			command.addAll(java.subList(1, java.size()));
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(id + ".log").toFile()));
			builder.environment().put("SPRING_APPLICATION_JSON", InstanceSettings.json(settings(spec, id, dir)));
			Process process = builder.start();
			log.info("Transcoder instance {} (pid {}) launched for live session {}", id, process.pid(), spec.session());
			return "pid:" + process.pid();
		}
		catch (IOException ex) {
			throw new IllegalStateException("The transcoder instance could not be started: " + ex.getMessage(), ex);
		}
	}

	@Override
	public boolean alive(String id) {
		return process(id).map(ProcessHandle::isAlive).orElse(false);
	}

	@Override
	public void stop(String id, String reason) {
		process(id).filter(ProcessHandle::isAlive).ifPresent(p -> {
			log.info("Stopping transcoder instance {}: {}", id, reason);
			p.destroy();
			p.onExit().orTimeout(15, TimeUnit.SECONDS).exceptionally(ex -> {
				p.destroyForcibly();
				return p;
			});
		});
	}

	private static void prune(Path logs) {
		java.time.Instant dayAgo = java.time.Instant.now().minus(java.time.Duration.ofDays(1));
		try (var files = Files.list(logs)) {
			files.filter(f -> {
				try {
					return Files.getLastModifiedTime(f).toInstant().isBefore(dayAgo);
				}
				catch (IOException ex) {
					return false;
				}
			}).forEach(f -> f.toFile().delete());
		}
		catch (IOException ex) {
			log.debug("Could not prune {}: {}", logs, ex.toString());
		}
	}

	private static Optional<ProcessHandle> process(String id) {
		if (!id.startsWith("pid:")) {
			return Optional.empty();
		}
		try {
			return ProcessHandle.of(Long.parseLong(id.substring(4)));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	/** The shared settings ({@link InstanceSettings}) plus the transcoder's own. */
	Map<String, String> settings(Spec spec, String id, Path dir) {
		Map<String, String> settings = new LinkedHashMap<>(InstanceSettings.shared(env));
		settings.put("keyframe.roles", "transcoder");
		settings.put("keyframe.instance.id", id);
		settings.put("keyframe.instance.work-root", dir.getParent().toString());
		settings.put("keyframe.live.transcoder.session", spec.session().toString());
		settings.put("keyframe.live.transcoder.generation", String.valueOf(spec.generation()));
		settings.put("keyframe.live.transcoder.pipeline", spec.pipeline());
		return settings;
	}

}
