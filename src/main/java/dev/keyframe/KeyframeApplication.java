package dev.keyframe;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.modulith.Modulithic;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Keyframe: one deployable, several roles. The modules are the top-level packages below this one.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableAsync
@EnableScheduling
@Modulithic(sharedModules = "platform")
public class KeyframeApplication {

	public static void main(String[] args) {
		SpringApplication.run(KeyframeApplication.class, args);
	}

}
