package dev.keyframe.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * The settings another instance of the fleet needs to join this one's: the resolved {@code keyframe.*} and data
 * source settings (how to reach the database, storage and queue, the ladders), less what belongs to this instance
 * alone (its id, roles, ports, stand-ins). Handed to an instance started on this host as
 * {@code SPRING_APPLICATION_JSON}, never on a command line, where other users could read it.
 */
public final class InstanceSettings {

	private static final List<String> OWN = List.of("keyframe.local.", "keyframe.roles", "keyframe.instance.id",
			"keyframe.edge.", "keyframe.http-port", "keyframe.live.transcoder.", "keyframe.live.ingest-port",
			"keyframe.live.rtmp.", "keyframe.live.srt.");

	private InstanceSettings() {
	}

	/** What an instance joining this one's stand-ins inherits, with the stand-ins' own start switched off. */
	public static Map<String, String> shared(ConfigurableEnvironment env) {
		TreeSet<String> names = new TreeSet<>();
		for (var source : env.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					if ((name.startsWith("keyframe.") || name.startsWith("spring.datasource."))
							&& OWN.stream().noneMatch(name::startsWith)) {
						names.add(name);
					}
				}
			}
		}
		Map<String, String> settings = new LinkedHashMap<>();
		for (String name : names) {
			String value = env.getProperty(name);
			if (value != null) {
				settings.put(name, value);
			}
		}
		settings.put("keyframe.local.enabled", "false");
		settings.put("keyframe.instance.work-root", env.getProperty("keyframe.instance.work-root",
				java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "keyframe").toString()));
		return settings;
	}

	/** Settings as the JSON that {@code SPRING_APPLICATION_JSON} takes. */
	public static String json(Map<String, String> settings) {
		StringBuilder json = new StringBuilder("{");
		settings.forEach((name, value) -> {
			if (json.length() > 1) {
				json.append(',');
			}
			json.append(quote(name)).append(':').append(quote(value));
		});
		return json.append('}').toString();
	}

	/**
	 * How to start this same application again: {@code -jar} when this JVM runs the Spring Boot jar, else the class
	 * path and main class (an IDE, Maven, the tests).
	 */
	public static List<String> javaCommand() {
		String binary = ProcessHandle.current()
			.info()
			.command()
			.orElse(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
		String classPath = System.getProperty("java.class.path", "");
		if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)
				&& !classPath.contains("surefire")) {
			return List.of(binary, "-jar", classPath);
		}
		return List.of(binary, "-cp", classPath, "dev.keyframe.KeyframeApplication");
	}

	private static String quote(String text) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				case '\n' -> quoted.append("\\n");
				case '\r' -> quoted.append("\\r");
				case '\t' -> quoted.append("\\t");
				default -> {
					if (c < 0x20) {
						quoted.append(String.format("\\u%04x", (int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

}
