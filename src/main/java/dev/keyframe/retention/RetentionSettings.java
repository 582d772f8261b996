package dev.keyframe.retention;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * @param cron when the scheduled lifecycle run starts (Spring cron, UTC); {@code -} turns scheduled runs off
 * @param batchSize how many assets are read, and how many actions are taken, between progress updates
 * @param copyPartSize sources up to this size move with one CopyObject, larger ones with a multipart copy in parts
 *     of this size (CopyObject stops at 5 GB)
 */
@Validated
@ConfigurationProperties("keyframe.retention")
public record RetentionSettings(@DefaultValue("0 30 3 * * *") String cron,
		@DefaultValue("100") @Min(1) @Max(1000) int batchSize, @DefaultValue("1GB") DataSize copyPartSize) {

	public RetentionSettings {
		if (copyPartSize.toBytes() < 5L * 1024 * 1024 || copyPartSize.toBytes() > 5L * 1024 * 1024 * 1024) {
			throw new IllegalArgumentException("keyframe.retention.copy-part-size must be between 5MB and 5GB (S3 limits)");
		}
	}

}
