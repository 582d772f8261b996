package dev.keyframe.transcode.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.keyframe.catalog.AudioGroup;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.platform.KeyframeContract;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.Packaging;

/**
 * The ffmpeg arguments that make a group of HLS renditions of one chunk from one decode of the source. The
 * keyframe contract lives here: every rendition of an asset, in whichever process and chunk it is made, gets the
 * same output frame rate, a fixed GOP with no scene-cut keyframes, and keyframes forced at every GOP boundary of
 * the source's timeline, so HLS cuts every rendition at the same timestamps and chunks join without a seam.
 */
public final class EncodeCommand {

	private EncodeCommand() {
	}

	/** The filter graph that scales the source once per video output: {@code [v0]}, {@code [v1]}, ... */
	public static @Nullable String filterGraph(MediaInfo media, List<PlannedJob> jobs) {
		List<PlannedJob> video = jobs.stream().filter(j -> j.kind() == RenditionKind.VIDEO).toList();
		if (video.isEmpty() || media.video() == null) {
			return null;
		}
		StringBuilder graph = new StringBuilder("[0:v:0]");
		// an interlaced source is made progressive once, before it is split and scaled
		KeyframeContract.deinterlace(media.video()).ifPresent(filter -> graph.append(filter).append(','));
		if (video.size() > 1) {
			graph.append("split=").append(video.size());
			for (int i = 0; i < video.size(); i++) {
				graph.append("[s").append(i).append(']');
			}
			graph.append(';');
		}
		for (int i = 0; i < video.size(); i++) {
			if (video.size() > 1) {
				graph.append("[s").append(i).append(']');
			}
			int side = video.get(i).shortSide() / 2 * 2;
			String scale = media.video().portrait() ? "scale=" + side + ":-2" : "scale=-2:" + side;
			graph.append(scale).append(":flags=bicubic,setsar=1[v").append(i).append(']');
			if (i < video.size() - 1) {
				graph.append(';');
			}
		}
		return graph.toString();
	}

	/**
	 * Where a chunk's encode starts and stops. A chunk's nominal start is a segment boundary; its encode starts at
	 * the first output frame at or after it ({@code start}, on the output frame grid of an encode from 0), makes
	 * {@code frames} frames (0: to the source's end), numbers its first segment {@code firstSegment}, and places its
	 * timestamps {@code tsOffset} seconds on, so the chunks of a rendition join into exactly what one encode from
	 * 0 would make.
	 *
	 * @param start the first frame's time in the source, seconds ({@code -ss})
	 * @param keyframeOffset the nominal start minus {@code start}: forced keyframes land where an encode from 0 puts
	 * them
	 * @param tsOffset where the output's timestamps start ({@code -output_ts_offset}): {@code start}, and for video
	 * that plays with a separately encoded audio rendition also the AAC encoder's priming (1024 samples), by which an
	 * encoder of both shifts the video, and the packaging's {@linkplain Packaging#timelineOrigin() timeline origin}
	 */
	public record Timing(double start, double keyframeOffset, long frames, int firstSegment, double tsOffset) {
	}

	/** The AAC encoder's priming at 48 kHz: the first audio packet starts this much before the first sample. */
	public static final double AUDIO_PRIMING = 1024 / 48_000.0;

	public static Timing timing(MediaInfo media, PlannedJob job, int segmentSeconds) {
		double nominal = job.startMillis() / 1000.0;
		int firstSegment = (int) (job.startMillis() / (segmentSeconds * 1000L));
		double origin = job.packaging().timelineOrigin();
		if (job.kind() != RenditionKind.VIDEO || media.video() == null) {
			// the priming packet starts where the chunk does; its first sample plays with the first picture
			double priming = job.packaging().shiftsNegativeStart() || !media.hasAudio() ? 0 : AUDIO_PRIMING;
			return new Timing(nominal, 0, 0, firstSegment, origin + nominal + priming);
		}
		double fps = MediaInfo.Video.fps(KeyframeContract.outputFrameRate(media.video()));
		long first = (long) Math.ceil(nominal * fps - 1e-6);
		double start = first / fps;
		long frames = job.last() ? 0 : (long) Math.ceil(job.endMillis() / 1000.0 * fps - 1e-6) - first;
		double priming = media.hasAudio() && !muxesAudio(media, job) ? AUDIO_PRIMING : 0;
		return new Timing(start, nominal - start, frames, firstSegment, origin + start + priming);
	}

	/**
	 * The output options for one job (everything after the inputs and the filter graph, before the playlist
	 * path); {@code segmentPattern} is where the job's {@linkplain Packaging#segmentPattern() segments} go.
	 * {@code videoIndex} is the job's position among the group's video jobs. Video renditions carry no audio: a
	 * source's audio is its own rendition, encoded once ({@link LadderPlanner#AUDIO}).
	 */
	public static List<String> outputArguments(MediaInfo media, PlannedJob job, int videoIndex, String preset,
			int segmentSeconds, int gopSeconds, String segmentPattern) {
		List<String> args = new ArrayList<>();
		Timing timing = timing(media, job, segmentSeconds);
		double hlsTime = segmentSeconds;
		if (job.kind() == RenditionKind.VIDEO && media.video() != null) {
			String rate = KeyframeContract.outputFrameRate(media.video());
			double fps = MediaInfo.Video.fps(rate);
			args.addAll(List.of("-map", "[v" + videoIndex + "]"));
			args.addAll(List.of("-c:v", "libx264", "-preset", preset, "-profile:v", "high", "-pix_fmt", "yuv420p"));
			args.addAll(List.of("-b:v", job.videoKbps() + "k", "-maxrate", (int) (job.videoKbps() * 1.07) + "k",
					"-bufsize", (int) (job.videoKbps() * 1.5) + "k"));
			args.addAll(KeyframeContract.videoArguments(rate, gopSeconds, timing.keyframeOffset()));
			if (timing.frames() > 0) {
				args.addAll(List.of("-frames:v", String.valueOf(timing.frames())));
			}
			if (muxesAudio(media, job)) {
				args.addAll(List.of("-map", "0:a:0", "-c:a", "aac", "-b:a", job.audioKbps() + "k", "-ac", "2", "-ar",
						"48000"));
			}
			else {
				args.add("-an");
			}
			// a chunk starts a hair after its nominal boundary: cut one frame early so it cuts on the same keyframes
			hlsTime = segmentSeconds - 1 / fps;
		}
		else {
			args.add("-vn");
			if (media.hasAudio() && job.audioKbps() > 0) {
				// a video source's audio streams are a rendition each; an audio-only source's ladder is of its first
				int stream = media.video() == null ? 0 : Math.max(0, AudioGroup.stream(job.profile()));
				args.addAll(List.of("-map", "0:a:" + stream, "-c:a", "aac", "-b:a", job.audioKbps() + "k", "-ac", "2", "-ar",
						"48000"));
			}
		}
		if (timing.tsOffset() != 0) {
			args.addAll(List.of("-output_ts_offset", String.format(Locale.ROOT, "%.6f", timing.tsOffset())));
		}
		args.addAll(List.of("-sn", "-dn", "-f", "hls", "-hls_time", String.format(Locale.ROOT, "%.6f", hlsTime),
				"-hls_playlist_type", "event", "-hls_list_size", "0", "-hls_flags", "independent_segments+temp_file",
				"-start_number", String.valueOf(timing.firstSegment())));
		args.addAll(job.packaging().hlsMuxerArguments());
		args.addAll(List.of("-hls_segment_filename", segmentPattern));
		return args;
	}

	/**
	 * A video job planned before the audio became a rendition of its own (it has an audio bit rate): its segments
	 * carry the audio as they always did, so a job queued before an upgrade still makes a rendition that plays.
	 */
	public static boolean muxesAudio(MediaInfo media, PlannedJob job) {
		return job.kind() == RenditionKind.VIDEO && media.hasAudio() && job.audioKbps() > 0;
	}

	/**
	 * Where segment {@code number} of every video rendition starts, in seconds from the source's start: the first
	 * output frame at or after its nominal boundary, as an encode from 0 cuts it.
	 */
	public static double segmentStart(MediaInfo media, int number, int segmentSeconds) {
		if (media.video() == null) {
			return number * (double) segmentSeconds;
		}
		double fps = MediaInfo.Video.fps(KeyframeContract.outputFrameRate(media.video()));
		return Math.ceil(number * (double) segmentSeconds * fps - 1e-6) / fps;
	}

	/** Half a frame at the output rate: how far two boundaries may be apart and still be the same. */
	public static double tolerance(MediaInfo media) {
		return media.video() == null ? 0.05
				: Math.max(0.001, 0.5 / MediaInfo.Video.fps(KeyframeContract.outputFrameRate(media.video())));
	}

}
