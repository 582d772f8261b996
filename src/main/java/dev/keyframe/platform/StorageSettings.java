package dev.keyframe.platform;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;

/**
 * Where media objects live. In production only {@code bucket} (and the region) is needed; credentials come
 * from the AWS default chain unless {@code accessKey}/{@code secretKey} are given.
 *
 * @param bucket the bucket holding sources and renditions
 * @param region the AWS region
 * @param endpoint an S3-compatible endpoint instead of AWS (the local stand-in sets it)
 * @param publicEndpoint the endpoint browsers use for presigned URLs, when it differs from {@code endpoint}
 * @param pathStyle path-style addressing (needed by most S3-compatible servers)
 * @param presignTtl how long a presigned URL stays valid
 */
@Validated
@ConfigurationProperties("keyframe.storage")
public record StorageSettings(@NotBlank String bucket, @DefaultValue("us-east-1") String region,
		@Nullable URI endpoint, @Nullable URI publicEndpoint, @DefaultValue("false") boolean pathStyle,
		@Nullable String accessKey, @Nullable String secretKey, @DefaultValue("1h") Duration presignTtl) {
}
