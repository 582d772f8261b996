package dev.keyframe.transcode.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.platform.MediaInfo;

/**
 * The ffmpeg arguments that make a group of HLS renditions from one decode of the source. The keyframe
 * contract lives here: every rendition of an asset, in whichever process it is made, gets the same output
 * frame rate, a fixed GOP with no scene-cut keyframes, and keyframes forced at every GOP boundary, so HLS cuts
 * every rendition at the same timestamps.
 */
public final class EncodeCommand {

	private EncodeCommand() {
	}

	/** The output frame rate: the source's, unless unknown or above 60 fps. */
	public static String frameRate(MediaInfo.Video video) {
		return video.fps() > 0 && video.fps() <= 60.5 ? video.frameRate() : "30";
	}

	/** The filter graph that scales the source once per video output: {@code [v0]}, {@code [v1]}, ... */
	public static @Nullable String filterGraph(MediaInfo media, List<PlannedJob> jobs) {
		List<PlannedJob> video = jobs.stream().filter(j -> j.kind() == RenditionKind.VIDEO).toList();
		if (video.isEmpty() || media.video() == null) {
			return null;
		}
		StringBuilder graph = new StringBuilder("[0:v:0]");
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
	 * The output options for one job (everything after the inputs and the filter graph, before the playlist
	 * path). {@code videoIndex} is the job's position among the group's video jobs.
	 */
	public static List<String> outputArguments(MediaInfo media, PlannedJob job, int videoIndex, String preset,
			int segmentSeconds, int gopSeconds, String segmentPattern) {
		List<String> args = new ArrayList<>();
		if (job.kind() == RenditionKind.VIDEO && media.video() != null) {
			String rate = frameRate(media.video());
			int gop = Math.max(1, (int) Math.round(MediaInfo.Video.fps(rate) * gopSeconds));
			args.addAll(List.of("-map", "[v" + videoIndex + "]"));
			args.addAll(List.of("-c:v", "libx264", "-preset", preset, "-profile:v", "high", "-pix_fmt", "yuv420p"));
			args.addAll(List.of("-b:v", job.videoKbps() + "k", "-maxrate", (int) (job.videoKbps() * 1.07) + "k",
					"-bufsize", (int) (job.videoKbps() * 1.5) + "k"));
			args.addAll(List.of("-r", rate, "-fps_mode", "cfr"));
			args.addAll(List.of("-g", String.valueOf(gop), "-keyint_min", String.valueOf(gop), "-sc_threshold", "0",
					"-x264-params", "scenecut=0:open-gop=0",
					"-force_key_frames", "expr:gte(t,n_forced*" + gopSeconds + ")"));
		}
		else {
			args.add("-vn");
		}
		if (media.hasAudio() && job.audioKbps() > 0) {
			args.addAll(List.of("-map", "0:a:0", "-c:a", "aac", "-b:a", job.audioKbps() + "k", "-ac", "2", "-ar",
					"48000"));
		}
		else {
			args.add("-an");
		}
		args.addAll(List.of("-sn", "-dn", "-f", "hls", "-hls_time", String.valueOf(segmentSeconds),
				"-hls_playlist_type", "vod", "-hls_list_size", "0", "-hls_flags", "independent_segments+temp_file",
				"-hls_segment_type", "mpegts", "-hls_segment_filename", segmentPattern));
		return args;
	}

	/** Half a frame at the output rate: how far two boundaries may be apart and still be the same. */
	public static double tolerance(MediaInfo media) {
		return media.video() == null ? 0.05 : Math.max(0.001, 0.5 / MediaInfo.Video.fps(frameRate(media.video())));
	}

	/** ffmpeg's level_idc as the two hex digits of an avc1 codec string. */
	public static String avc1(@Nullable String profile, @Nullable Integer level) {
		String p = profile == null ? "" : profile.toLowerCase(Locale.ROOT);
		String prefix = p.contains("high") ? "6400" : p.contains("main") ? "4d40" : p.contains("constrained") ? "42e0"
				: "4200";
		return "avc1." + prefix + String.format(Locale.ROOT, "%02x", level == null || level <= 0 ? 40 : level);
	}

}
