package dev.keyframe.catalog;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * An asset as the API shows it.
 *
 * @param visibility who may watch it
 * @param playbackUrl where a player gets signed playback URLs and cookies, once anything is playable
 * @param posterUrl the poster image, once extracted: a signed CDN URL, valid for minutes
 * @param lastPlayedAt when a player was last given it (to the hour), or null if never
 * @param firstPlayableAt when the asset could first be played (its first chunk published), or null
 * @param keeping what retention knows and did to it
 * @param textTracks its captions and subtitles, by language
 * @param audioTracks the audio streams of its source, one audio rendition each (none for an audio-only asset)
 * @param download whether it can be downloaded as a file, and how that stands
 * @param downloadKey the stored download's object key, for signing its URL; null when there is none
 * @param dashKey its DASH manifest's object key, for signing its URL; null when it has none
 */
public record AssetView(String id, String title, @Nullable String description, String originalFilename,
		long size, AssetStatus status, @Nullable String statusReason, @Nullable Long durationMs,
		@Nullable String format, @Nullable Long bitrate, @Nullable Integer width, @Nullable Integer height,
		@Nullable String videoCodec, @Nullable String frameRate, @Nullable String audioCodec,
		Visibility visibility, @Nullable String playbackUrl, @Nullable String posterUrl, @Nullable Instant lastPlayedAt, Instant createdAt, Instant updatedAt,
		@Nullable Instant firstPlayableAt, List<RenditionView> renditions, List<TranscodeWork.JobView> jobs, Keeping keeping,
		List<TextTrackView> textTracks, List<AudioTrackView> audioTracks, DownloadView download,
		@com.fasterxml.jackson.annotation.JsonIgnore @Nullable String downloadKey,
		@com.fasterxml.jackson.annotation.JsonIgnore @Nullable String dashKey) {

	/** Frames per second for people: {@code 29.97} rather than {@code 30000/1001}. */
	public @Nullable String fps() {
		if (frameRate == null) {
			return null;
		}
		double fps = dev.keyframe.platform.MediaInfo.Video.fps(frameRate);
		return fps == Math.rint(fps) ? String.valueOf((long) fps) : String.format(java.util.Locale.ROOT, "%.2f", fps);
	}

	/** The length for people: {@code 12 s}, {@code 4 min 05 s}, {@code 1 h 02 min}. */
	public @Nullable String durationLabel() {
		if (durationMs == null) {
			return null;
		}
		long seconds = Math.round(durationMs / 1000.0);
		if (seconds < 60) {
			return seconds + " s";
		}
		if (seconds < 3600) {
			return String.format(java.util.Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
		}
		return String.format(java.util.Locale.ROOT, "%d h %02d min", seconds / 3600, seconds / 60 % 60);
	}

	/** The container for people: {@code MP4 / QuickTime} rather than ffprobe's {@code mov,mp4,m4a,3gp,3g2,mj2}. */
	public @Nullable String formatLabel() {
		if (format == null) {
			return null;
		}
		return switch (format.split(",")[0]) {
			case "mov" -> "MP4 / QuickTime";
			case "matroska" -> "Matroska / WebM";
			case "mpegts" -> "MPEG transport stream";
			case "mxf" -> "MXF";
			case "avi" -> "AVI";
			case "wav" -> "WAV";
			case "mp3" -> "MP3";
			case "flac" -> "FLAC";
			case "ogg" -> "Ogg";
			default -> format;
		};
	}

	/**
	 * The asset as retention sees it.
	 *
	 * @param tags what rules can be scoped to
	 * @param readyAt when every rendition was first published
	 * @param sourceStorageClass the S3 storage class the source was last moved to
	 * @param sourceDeletedAt when a rule deleted the source (renditions still play), or null
	 * @param holdReason why it is on legal hold (no rule touches it), or null
	 * @param removedAt when a rule expired it, or null
	 * @param transcodeBlocker why it cannot be transcoded again, or null if it can
	 */
	public record Keeping(List<String> tags, AssetOrigin origin, @Nullable Instant readyAt, String sourceStorageClass,
			@Nullable Instant sourceDeletedAt, @Nullable String holdReason, @Nullable String holdBy,
			@Nullable Instant holdAt, @Nullable Instant removedAt, @Nullable String transcodeBlocker) {

		public String tagList() {
			return String.join(", ", tags);
		}

	}

	public record RenditionView(String profile, RenditionKind kind, int width, int height, long bandwidth,
			long averageBandwidth, String codecs, int segmentCount, long totalBytes, boolean complete) {

		static RenditionView of(RenditionSpec spec) {
			return new RenditionView(spec.profile(), spec.kind(), spec.width(), spec.height(), spec.bandwidth(),
					spec.averageBandwidth(), spec.codecs(), spec.segmentCount(), spec.totalBytes(), spec.complete());
		}

	}

}
