package dev.keyframe.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The bundled ffmpeg and ffprobe for a test of another module that runs them without an application context. */
public final class TestMediaTools {

	private TestMediaTools() {
	}

	/** The tools, unpacked under {@code work}. */
	public static MediaTools in(Path work, String instanceId) {
		StandardEnvironment env = new StandardEnvironment();
		env.getPropertySources()
			.addFirst(new MapPropertySource("test",
					Map.of("keyframe.instance.work-root", work.toString(), "keyframe.instance.id", instanceId)));
		return new MediaTools(new MediaSettings(null, null, null, Duration.ofSeconds(30)), new Instance(env));
	}

}
