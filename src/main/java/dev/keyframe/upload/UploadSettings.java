package dev.keyframe.upload;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * @param maxSize the largest file accepted, enforced when the upload is created
 * @param partSize the smallest part size; larger files get larger parts so no upload needs more than 10,000
 * @param ttl how long an unfinished upload may stay open before it is aborted
 * @param presignBatch how many part URLs are handed out at once
 * @param parallelParts how many parts the upload page sends at once
 */
@Validated
@ConfigurationProperties("keyframe.upload")
public record UploadSettings(@DefaultValue("50GB") DataSize maxSize, @DefaultValue("16MB") DataSize partSize,
		@DefaultValue("7d") Duration ttl, @DefaultValue("20") @Min(1) @Max(1000) int presignBatch,
		@DefaultValue("4") @Min(1) @Max(16) int parallelParts) {

	static final long MIN_PART = 5L * 1024 * 1024;

	static final int MAX_PARTS = 10_000;

	public UploadSettings {
		if (partSize.toBytes() < MIN_PART) {
			throw new IllegalArgumentException("keyframe.upload.part-size must be at least 5MB (an S3 limit)");
		}
	}

}
