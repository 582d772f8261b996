package dev.keyframe.platform;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import com.github.kokorin.jaffree.Rational;
import com.github.kokorin.jaffree.StreamType;
import com.github.kokorin.jaffree.ffprobe.FFprobe;
import com.github.kokorin.jaffree.ffprobe.FFprobeResult;
import com.github.kokorin.jaffree.ffprobe.Stream;

/**
 * Reads what a media object contains with ffprobe, straight from a URL (a presigned S3 URL), so the app never
 * copies the file.
 */
@Component
public class MediaProbe {

	private final MediaTools tools;

	private final MediaSettings settings;

	MediaProbe(MediaTools tools, MediaSettings settings) {
		this.tools = tools;
		this.settings = settings;
	}

	/**
	 * @throws MediaProbeException with a reason a person can act on when the object is not readable media
	 */
	public MediaInfo probe(String url) {
		FFprobeResult result = run(url);
		List<Stream> streams = result.getStreams() == null ? List.of() : result.getStreams();
		MediaInfo.Video video = streams.stream()
			.filter(s -> s.getCodecType() == StreamType.VIDEO && !isCoverArt(s))
			.findFirst()
			.map(MediaProbe::video)
			.orElse(null);
		MediaInfo.Audio audio = streams.stream()
			.filter(s -> s.getCodecType() == StreamType.AUDIO)
			.findFirst()
			.map(s -> new MediaInfo.Audio(s.getCodecName(), orZero(s.getChannels()), orZero(s.getSampleRate())))
			.orElse(null);
		List<Stream> audioStreams = streams.stream().filter(s -> s.getCodecType() == StreamType.AUDIO).toList();
		List<MediaInfo.AudioTrack> audioTracks = new java.util.ArrayList<>();
		for (int i = 0; i < audioStreams.size() && i < MediaInfo.MAX_AUDIO_TRACKS; i++) {
			Stream s = audioStreams.get(i);
			audioTracks.add(new MediaInfo.AudioTrack(i, String.valueOf(s.getCodecName()), orZero(s.getChannels()),
					s.getTag("language"), s.getTag("title"),
					s.getDisposition() != null && Boolean.TRUE.equals(s.getDisposition().getDefault())));
		}
		if (video == null && audio == null) {
			throw new MediaProbeException("The file has no video or audio stream that Keyframe can play.");
		}
		var format = result.getFormat();
		Float duration = format == null ? null : format.getDuration();
		if (duration == null || duration <= 0) {
			throw new MediaProbeException(
					"The file's duration cannot be read; it may be truncated or a still image. Upload the complete file.");
		}
		long bitrate = format.getBitRate() == null ? 0 : format.getBitRate();
		return new MediaInfo(Math.round(duration * 1000.0), format.getFormatName(), bitrate, video, audio, audioTracks);
	}

	/**
	 * Where the object's first stream of picture (or else of sound) starts on its own clock, in seconds: for a
	 * segment of a rendition, the timestamp its media time 0 has, which text tracks map their cue times onto. The
	 * URL may be a {@linkplain Packaging#readable(String, String) CMAF segment after its init segment}, joined by the
	 * {@code concat} protocol over HTTP(S): Keyframe's own objects, never an upload.
	 * @throws MediaProbeException when the object is not readable media
	 */
	public double startSeconds(String url) {
		FFprobeResult result = run(url, "-protocol_whitelist", "concat,http,https,tcp,tls,file");
		List<Stream> streams = result.getStreams() == null ? List.of() : result.getStreams();
		return streams.stream()
			.sorted(java.util.Comparator.comparing(s -> s.getCodecType() == StreamType.VIDEO ? 0 : 1))
			.filter(s -> s.getCodecType() == StreamType.VIDEO || s.getCodecType() == StreamType.AUDIO)
			.map(Stream::getStartTime)
			.filter(java.util.Objects::nonNull)
			.findFirst()
			.map(Float::doubleValue)
			.orElseThrow(() -> new MediaProbeException("The segment has no timed video or audio stream."));
	}

	/**
	 * A text stream of a media file: its index in the file, codec, and the language and title its tags give.
	 * @param language an ISO 639 code as the file has it ({@code eng}, {@code de}), or null
	 * @param forHearingImpaired marked as captions (SDH) by its disposition
	 */
	public record TextStream(int index, String codec, @Nullable String language, @Nullable String title,
			boolean forHearingImpaired) {

		/** Text a WebVTT file can say: not a picture of text (DVD, Blu-ray, DVB subtitles). */
		public boolean isText() {
			return java.util.Set.of("mov_text", "subrip", "srt", "webvtt", "ass", "ssa", "text").contains(codec);
		}

	}

	/** The subtitle streams of a media file, in file order. */
	public List<TextStream> textStreams(String url) {
		FFprobeResult result = run(url);
		List<Stream> streams = result.getStreams() == null ? List.of() : result.getStreams();
		return streams.stream()
			.filter(s -> s.getCodecType() == StreamType.SUBTITLE)
			.map(s -> new TextStream(s.getIndex(), String.valueOf(s.getCodecName()), s.getTag("language"), s.getTag("title"),
					s.getDisposition() != null && Boolean.TRUE.equals(s.getDisposition().getHearingImpaired())))
			.toList();
	}

	private FFprobeResult run(String url, String... arguments) {
		FFprobe ffprobe = tools.ffprobe()
			.setShowStreams(true)
			.setShowFormat(true)
			.addArguments("-format_whitelist", MediaTools.INPUT_FORMATS);
		for (String argument : arguments) {
			ffprobe.addArgument(argument);
		}
		Future<FFprobeResult> future = ffprobe.setInput(url).executeAsync();
		try {
			return future.get(settings.probeTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new MediaProbeException("Reading the file took longer than " + settings.probeTimeout().toSeconds()
					+ " s; it may be damaged. Try uploading it again.");
		}
		catch (ExecutionException ex) {
			throw new MediaProbeException(explain(ex.getCause()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static String explain(@Nullable Throwable failure) {
		List<String> lines = MediaTools.errorLines(failure);
		String all = String.join("\n", lines).toLowerCase();
		if (all.contains("moov atom not found")) {
			return "The file is incomplete (its index, the 'moov atom', is missing): it was probably truncated. Upload the whole file again.";
		}
		if (all.contains("whitelist")) {
			return "This kind of file is not accepted (a playlist, or a file that refers to other files): upload the video or audio file itself.";
		}
		if (all.contains("invalid data found")) {
			return "This is not a video or audio file Keyframe can read (ffprobe: invalid data). Check that you picked the right file.";
		}
		String detail = lines.isEmpty() ? String.valueOf(failure == null ? "unknown error" : failure.getMessage())
				: lines.get(lines.size() - 1);
		return "ffprobe could not read the file: " + detail.strip();
	}

	private static MediaInfo.Video video(Stream stream) {
		int width = orZero(stream.getWidth());
		int height = orZero(stream.getHeight());
		if (Math.abs(rotation(stream)) % 180 == 90) {
			int swap = width;
			width = height;
			height = swap;
		}
		Rational rate = stream.getAvgFrameRate() != null && stream.getAvgFrameRate().doubleValue() > 0
				? stream.getAvgFrameRate() : stream.getRFrameRate();
		double fps = rate == null || Double.isNaN(rate.doubleValue()) ? 0 : rate.doubleValue();
		String frameRate = rate == null ? "0" : rate.getNumerator() + "/" + rate.getDenominator();
		String fieldOrder = stream.getFieldOrder() == null ? MediaInfo.Video.PROGRESSIVE : stream.getFieldOrder();
		return new MediaInfo.Video(width, height, stream.getCodecName(), frameRate, fps, fieldOrder);
	}

	private static int rotation(Stream stream) {
		if (stream.getSideDataList() != null) {
			for (var side : stream.getSideDataList()) {
				if (side.getRotation() != null) {
					return side.getRotation();
				}
			}
		}
		String tag = stream.getTag("rotate");
		return tag == null ? 0 : Integer.parseInt(tag.trim());
	}

	private static boolean isCoverArt(Stream stream) {
		return stream.getDisposition() != null && Boolean.TRUE.equals(stream.getDisposition().getAttachedPic());
	}

	private static int orZero(@Nullable Integer value) {
		return value == null ? 0 : value;
	}

}
