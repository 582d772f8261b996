package dev.keyframe.platform;

import org.jspecify.annotations.Nullable;

/**
 * What ffprobe found in a media object. Width and height are the display size (rotation applied).
 *
 * @param durationMillis the container's duration
 * @param formatName the container format
 * @param bitrate the overall bitrate in bits per second, 0 if unknown
 * @param video the first video stream, if any
 * @param audio the first audio stream, if any
 */
public record MediaInfo(long durationMillis, String formatName, long bitrate, @Nullable Video video,
		@Nullable Audio audio) {

	public boolean hasVideo() {
		return video != null;
	}

	public boolean hasAudio() {
		return audio != null;
	}

	/**
	 * @param frameRate frames per second as ffprobe states it ({@code 30000/1001}), for ffmpeg's {@code -r}
	 */
	public record Video(int width, int height, String codec, String frameRate, double fps) {

		public int shortSide() {
			return Math.min(width, height);
		}

		public boolean portrait() {
			return height > width;
		}

		/** Frames per second from ffmpeg's notation ({@code 30000/1001} or {@code 25}); 0 when not a number. */
		public static double fps(String rate) {
			try {
				String[] parts = rate.split("/");
				double value = parts.length == 2 ? Double.parseDouble(parts[0]) / Double.parseDouble(parts[1])
						: Double.parseDouble(rate);
				return Double.isFinite(value) ? value : 0;
			}
			catch (NumberFormatException ex) {
				return 0;
			}
		}
	}

	public record Audio(String codec, int channels, int sampleRate) {
	}

}
