package dev.keyframe.platform;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;

/**
 * The transcode job queue. The queue's redrive policy (maxReceiveCount, dead-letter queue) belongs to the
 * queue itself; {@code deadLetterUrl} is only read for metrics and health.
 *
 * @param url the job queue URL
 * @param deadLetterUrl the dead-letter queue URL
 * @param endpoint an SQS-compatible endpoint instead of AWS (the local stand-in sets it)
 */
@Validated
@ConfigurationProperties("keyframe.queue")
public record QueueSettings(@NotBlank String url, @Nullable String deadLetterUrl, @Nullable URI endpoint,
		@DefaultValue("us-east-1") String region, @Nullable String accessKey, @Nullable String secretKey) {
}
