package dev.keyframe.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.keyframe.live.LiveSettings;
import dev.keyframe.platform.Rung;
import dev.keyframe.transcode.TranscodeSettings;

/** One rung syntax, {@code name:shortSide:videoKbps:audioKbps}, binds the VOD and the live ladders alike. */
class RungConverterTests {

	private final ApplicationContextRunner context = new ApplicationContextRunner()
		.withUserConfiguration(Settings.class);

	@Test
	void bothLaddersHaveDefaultsOfOneKind() {
		context.run(ctx -> {
			assertThat(ctx.getBean(TranscodeSettings.class).ladder()).first()
				.isEqualTo(new Rung("1080p", 1080, 5000, 128));
			assertThat(ctx.getBean(TranscodeSettings.class).audioLadder()).first()
				.isEqualTo(new Rung("audio-128k", 0, 0, 128));
			assertThat(ctx.getBean(LiveSettings.class).ladder()).extracting(Rung::name)
				.containsExactly("720p", "480p", "360p");
		});
	}

	@Test
	void aCommaSeparatedValueBindsEitherLadder() {
		context
			.withPropertyValues("keyframe.live.ladder=360p:360:700:64, 240p:240:350:48",
					"keyframe.transcode.ladder=540p:540:2000:128,270p:270:500:64")
			.run(ctx -> {
				assertThat(ctx.getBean(LiveSettings.class).ladder()).containsExactly(new Rung("360p", 360, 700, 64),
						new Rung("240p", 240, 350, 48));
				assertThat(ctx.getBean(TranscodeSettings.class).ladder())
					.containsExactly(new Rung("540p", 540, 2000, 128), new Rung("270p", 270, 500, 64));
			});
	}

	@Test
	void aBadRungOrNameIsRefusedAtStartup() {
		context.withPropertyValues("keyframe.live.ladder=720p:720:2800")
			.run(ctx -> assertThat(ctx).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("name:shortSide:videoKbps:audioKbps"));
		context.withPropertyValues("keyframe.transcode.ladder=HD:720:2800:128")
			.run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause().hasMessageContaining("rung name"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ LiveSettings.class, TranscodeSettings.class })
	@Import(RungConverter.class)
	static class Settings {

	}

}
