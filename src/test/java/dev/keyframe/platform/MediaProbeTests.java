package dev.keyframe.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.keyframe.support.Media;

/** ffprobe's field order reaches {@link MediaInfo.Video}: interlaced sources are known as such. */
class MediaProbeTests {

	@TempDir
	static Path work;

	static MediaTools tools;

	static MediaProbe probe;

	@BeforeAll
	static void tools() {
		StandardEnvironment env = new StandardEnvironment();
		env.getPropertySources()
			.addFirst(new MapPropertySource("test",
					Map.of("keyframe.instance.work-root", work.toString(), "keyframe.instance.id", "probe-test")));
		MediaSettings settings = new MediaSettings(null, null, null, Duration.ofSeconds(30));
		tools = new MediaTools(settings, new Instance(env));
		probe = new MediaProbe(tools, settings);
	}

	@Test
	void anInterlacedSourceIsProbedWithItsFieldOrder() throws Exception {
		MediaInfo.Video top = probe.probe(Media.interlaced(tools.ffmpegPath(), work, true, true).toString()).video();
		MediaInfo.Video bottom = probe.probe(Media.interlaced(tools.ffmpegPath(), work, true, false).toString())
			.video();

		assertThat(top).isNotNull();
		assertThat(top.fieldOrder()).isEqualTo("tt");
		assertThat(top.interlaced()).isTrue();
		assertThat(top.frameRate()).as("25 frames of two fields").isEqualTo("25/1");
		assertThat(bottom).isNotNull();
		assertThat(bottom.fieldOrder()).isEqualTo("bb");
		assertThat(bottom.topFieldFirst()).isFalse();
		assertThat(KeyframeContract.deinterlace(top)).contains("bwdif=mode=send_frame:parity=tff:deint=all");
		assertThat(KeyframeContract.deinterlace(bottom)).contains("bwdif=mode=send_frame:parity=bff:deint=all");
	}

	@Test
	void aProgressiveSourceIsProgressive() throws Exception {
		MediaInfo.Video video = probe.probe(Media.interlaced(tools.ffmpegPath(), work, false, true).toString())
			.video();

		assertThat(video).isNotNull();
		assertThat(video.fieldOrder()).isEqualTo(MediaInfo.Video.PROGRESSIVE);
		assertThat(video.interlaced()).isFalse();
		assertThat(KeyframeContract.deinterlace(video)).isEmpty();
	}

}
