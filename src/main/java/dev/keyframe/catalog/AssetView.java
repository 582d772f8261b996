package dev.keyframe.catalog;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An asset as the API shows it.
 *
 * @param playlistUrl the master playlist, once anything is playable
 * @param posterUrl the poster image, once extracted
 */
public record AssetView(String id, String title, @Nullable String description, String originalFilename,
		long size, AssetStatus status, @Nullable String statusReason, @Nullable Long durationMs,
		@Nullable String format, @Nullable Long bitrate, @Nullable Integer width, @Nullable Integer height,
		@Nullable String videoCodec, @Nullable String frameRate, @Nullable String audioCodec,
		@Nullable String playlistUrl, @Nullable String posterUrl, Instant createdAt, Instant updatedAt,
		List<RenditionView> renditions, List<TranscodeWork.JobView> jobs) {

	public record RenditionView(String profile, RenditionKind kind, int width, int height, long bandwidth,
			long averageBandwidth, String codecs, int segmentCount, long totalBytes) {

		static RenditionView of(RenditionSpec spec) {
			return new RenditionView(spec.profile(), spec.kind(), spec.width(), spec.height(), spec.bandwidth(),
					spec.averageBandwidth(), spec.codecs(), spec.segmentCount(), spec.totalBytes());
		}

	}

}
