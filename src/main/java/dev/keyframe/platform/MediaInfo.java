package dev.keyframe.platform;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What ffprobe found in a media object. Width and height are the display size (rotation applied).
 *
 * @param durationMillis the container's duration
 * @param formatName the container format
 * @param bitrate the overall bitrate in bits per second, 0 if unknown
 * @param video the first video stream, if any
 * @param audio the first audio stream, if any
 * @param audioTracks every audio stream, in the source's order (the first is {@code audio}); a source with several
 *        gets one audio rendition per stream
 */
public record MediaInfo(long durationMillis, String formatName, long bitrate, @Nullable Video video,
		@Nullable Audio audio, List<AudioTrack> audioTracks) {

	/** The most audio streams of one source that get a rendition each; the rest are left out. */
	public static final int MAX_AUDIO_TRACKS = 8;

	public MediaInfo {
		// null too: an event published before audio tracks existed is read back without them
		audioTracks = audioTracks == null || audioTracks.isEmpty()
				? audio == null ? List.of() : List.of(new AudioTrack(0, audio.codec(), audio.channels(), null, null, true))
				: List.copyOf(audioTracks);
	}

	/** A source with one audio stream as the only one. */
	public MediaInfo(long durationMillis, String formatName, long bitrate, @Nullable Video video,
			@Nullable Audio audio) {
		this(durationMillis, formatName, bitrate, video, audio, List.of());
	}

	public boolean hasVideo() {
		return video != null;
	}

	public boolean hasAudio() {
		return audio != null;
	}

	/**
	 * @param frameRate frames per second as ffprobe states it ({@code 30000/1001}), for ffmpeg's {@code -r}
	 * @param fieldOrder how the picture is scanned, as ffprobe's {@code field_order} states it: {@code tt},
	 *        {@code bb}, {@code tb} or {@code bt} when interlaced, else {@value #PROGRESSIVE}, also when ffprobe says
	 *        {@code unknown} or nothing
	 */
	public record Video(int width, int height, String codec, String frameRate, double fps, String fieldOrder) {

		/** The field order of a progressive picture, or of one whose field order is not known. */
		public static final String PROGRESSIVE = "progressive";

		private static final Set<String> INTERLACED = Set.of("tt", "bb", "tb", "bt");

		public Video {
			// null too: an event published before the field order existed is read back without it
			String order = Objects.toString(fieldOrder, "").strip().toLowerCase(Locale.ROOT);
			fieldOrder = INTERLACED.contains(order) ? order : PROGRESSIVE;
		}

		/** Whether the picture is made of two fields (1080i, 576i): it must be deinterlaced before it is scaled. */
		public boolean interlaced() {
			return !PROGRESSIVE.equals(fieldOrder);
		}

		/**
		 * Whether the top field comes first in time ({@code tt}, {@code tb}); meaningful when interlaced. FFmpeg
		 * documents {@code tb} as "top coded first, bottom displayed first", but its own encoders label top-field-first
		 * pictures {@code tb} (an ffmpeg-made Matroska or QuickTime file of top-field-first video probes as
		 * {@code tb}), so the first letter is taken as the field that comes first.
		 */
		public boolean topFieldFirst() {
			return fieldOrder.startsWith("t");
		}

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

	/**
	 * One audio stream of the source, as its tags describe it.
	 * @param index its position among the source's audio streams ({@code 0:a:N})
	 * @param language its {@code language} tag as the file has it ({@code eng}, {@code ger}, {@code de}), or null
	 * @param title its {@code title} tag, or null
	 * @param isDefault the file marks it as the one to play ({@code default} disposition)
	 */
	public record AudioTrack(int index, String codec, int channels, @Nullable String language, @Nullable String title,
			boolean isDefault) {
	}

}
