package dev.keyframe.live.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.keyframe.live.LiveSettings;
import dev.keyframe.live.LiveSettings.Rung;
import org.jspecify.annotations.Nullable;

import dev.keyframe.platform.MediaInfo;

/**
 * The ffmpeg command line of a live transcoder: MPEG-TS on standard input, one decode split into the ladder's
 * rungs (those not taller than the feed; the smallest at the feed's own size if every rung is taller), keyframes
 * forced on segment boundaries so every rendition switches at the same instants, HLS with program date times,
 * a sliding window and no end tag (the session writes it when the stream ends). {@code append_list} lets a
 * restarted transcoder continue the same playlists: numbering goes on and a discontinuity marks the seam.
 */
public final class LiveCommand {

	private LiveCommand() {
	}

	/** The rungs a feed of this picture gets, tallest first. */
	public static List<Rung> rungs(List<Rung> chosen, MediaInfo.Video video) {
		int source = video.shortSide();
		List<Rung> fit = chosen.stream().filter(r -> r.shortSide() <= source).toList();
		if (!fit.isEmpty()) {
			return fit;
		}
		Rung smallest = chosen.getLast();
		return List.of(new Rung(smallest.name(), source - source % 2, smallest.videoKbps(), smallest.audioKbps()));
	}

	public static List<String> command(Path ffmpeg, List<Rung> rungs, MediaInfo feed, LiveSettings settings,
			int listSize, Path out) {
		boolean portrait = feed.video() != null && feed.video().portrait();
		boolean audio = feed.hasAudio();
		int segment = settings.segmentSeconds();
		// a small probe: the first playlist appears in ~2.5 s instead of ~7.5 s
		List<String> args = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-nostats",
				"-loglevel", "warning", "-probesize", "1M", "-analyzeduration", "1M", "-fflags", "+genpts", "-f", "mpegts",
				"-i", "pipe:0"));
		StringBuilder filter = new StringBuilder("[0:v]split=").append(rungs.size());
		for (int i = 0; i < rungs.size(); i++) {
			filter.append("[s").append(i).append(']');
		}
		for (int i = 0; i < rungs.size(); i++) {
			int side = rungs.get(i).shortSide();
			filter.append(";[s").append(i).append("]scale=")
				.append(portrait ? "w=" + side + ":h=-2" : "w=-2:h=" + side)
				.append("[v").append(i).append(']');
		}
		args.addAll(List.of("-filter_complex", filter.toString()));
		for (int i = 0; i < rungs.size(); i++) {
			args.addAll(List.of("-map", "[v" + i + "]"));
		}
		if (audio) {
			for (int i = 0; i < rungs.size(); i++) {
				args.addAll(List.of("-map", "0:a:0"));
			}
		}
		args.addAll(List.of("-c:v", "libx264", "-preset", settings.preset(), "-profile:v", "main", "-pix_fmt", "yuv420p",
				"-r", "30", "-g", String.valueOf(30 * segment), "-keyint_min", String.valueOf(30 * segment),
				"-sc_threshold", "0", "-force_key_frames", "expr:gte(t,n_forced*" + segment + ")"));
		for (int i = 0; i < rungs.size(); i++) {
			int kbps = rungs.get(i).videoKbps();
			args.addAll(List.of("-level:v:" + i, level(rungs.get(i), feed.video())));
			args.addAll(List.of("-b:v:" + i, kbps + "k", "-maxrate:v:" + i, (kbps * 107 / 100) + "k", "-bufsize:v:" + i,
					(kbps * 2) + "k"));
		}
		if (audio) {
			args.addAll(List.of("-c:a", "aac", "-ac", "2", "-ar", "48000"));
			for (int i = 0; i < rungs.size(); i++) {
				args.addAll(List.of("-b:a:" + i, rungs.get(i).audioKbps() + "k"));
			}
		}
		StringBuilder map = new StringBuilder();
		for (int i = 0; i < rungs.size(); i++) {
			if (i > 0) {
				map.append(' ');
			}
			map.append("v:").append(i);
			if (audio) {
				map.append(",a:").append(i);
			}
			map.append(",name:").append(rungs.get(i).name());
		}
		args.addAll(List.of("-f", "hls", "-hls_time", String.valueOf(segment), "-hls_list_size",
				String.valueOf(listSize), "-hls_delete_threshold", "3", "-hls_flags",
				"delete_segments+independent_segments+program_date_time+omit_endlist+append_list",
				"-hls_segment_type", "mpegts", "-hls_segment_filename", out.resolve("%v").resolve("seg_%05d.ts").toString(),
				"-var_stream_map", map.toString(), out.resolve("%v").resolve("index.m3u8").toString()));
		return args;
	}

	/**
	 * The H.264 level a rung is encoded at (and announced with), from its macroblocks per second at 30 fps: 3.0 up
	 * to 40,500, 3.1 up to 108,000, 3.2 up to 216,000, else 4.0.
	 */
	static String level(Rung rung, MediaInfo.@Nullable Video video) {
		int[] size = size(rung, video);
		long macroblocks = (long) ((size[0] + 15) / 16) * ((size[1] + 15) / 16) * 30;
		return macroblocks <= 40_500 ? "3.0" : macroblocks <= 108_000 ? "3.1" : macroblocks <= 216_000 ? "3.2" : "4.0";
	}

	/** A rung's picture size for a feed: its short side, the other side in the feed's proportions (even, as ffmpeg). */
	public static int[] size(Rung rung, MediaInfo.@Nullable Video video) {
		if (video == null) {
			return new int[] { rung.shortSide() * 16 / 9, rung.shortSide() };
		}
		int side = rung.shortSide();
		int other = (int) Math.round(side * (double) Math.max(video.width(), video.height())
				/ Math.min(video.width(), video.height()));
		other -= other % 2; // as ffmpeg's scale=-2 rounds
		return video.portrait() ? new int[] { side, other } : new int[] { other, side };
	}

	/**
	 * Codecs for the master playlist: H.264 Main at the rung's level (x264's ultrafast preset can only make
	 * Constrained Baseline), AAC-LC.
	 */
	public static String codecs(Rung rung, MediaInfo.@Nullable Video video, String preset, boolean audio) {
		String level = switch (level(rung, video)) {
			case "3.0" -> "1e";
			case "3.1" -> "1f";
			case "3.2" -> "20";
			default -> "28";
		};
		return ("ultrafast".equals(preset) ? "avc1.42c0" : "avc1.4d40") + level + (audio ? ",mp4a.40.2" : "");
	}

}
