package dev.keyframe.platform;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The media tools. Unset paths mean the ffmpeg 8 build that ships inside the jar (bytedeco); production
 * images point these at the distribution's binaries.
 *
 * @param ffmpeg path to the ffmpeg executable
 * @param ffprobe path to the ffprobe executable
 * @param scratchDir where workers write encoder output before it is uploaded (never the source of truth); unset:
 * {@code transcode/} in this instance's own work directory
 * @param probeTimeout how long ffprobe may take on one object
 */
@ConfigurationProperties("keyframe.media")
public record MediaSettings(@Nullable Path ffmpeg, @Nullable Path ffprobe, @Nullable Path scratchDir,
		@DefaultValue("60s") Duration probeTimeout) {
}
