package dev.keyframe.playback.internal;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.keyframe.playback.CdnSettings;

@Configuration(proxyBeanMethods = false)
class PlaybackConfiguration {

	@Bean
	KeyRing keyRing(CdnSettings cdn) {
		return new KeyRing(cdn.keys());
	}

}
