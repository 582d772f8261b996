package dev.keyframe.live.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.keyframe.live.LiveSettings;
import dev.keyframe.platform.KeyframeContract;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.Rung;

/**
 * The ffmpeg command line of a live transcoder: MPEG-TS on standard input, one decode (deinterlaced first when the
 * feed is interlaced) split into the ladder's rungs (those not taller than the feed; the smallest at the feed's own
 * size if every rung is taller), the {@link KeyframeContract} at 30 fps with one GOP per segment so every rendition
 * switches at the same instants, HLS with program date times, a sliding window and no end tag (the session writes it
 * when the stream ends). {@code append_list} lets a restarted transcoder continue the same playlists: numbering goes
 * on and a discontinuity marks the seam.
 */
public final class LiveCommand {

	/** Every live rendition's frame rate, whatever the feed's. */
	static final String FRAME_RATE = "30";

	/** How many segments more than its window a two-pipeline encoder lists and keeps (a minute of them). */
	static final int ALIGNED_SLACK = 30;

	/** The H.264 profile live renditions ask x264 for. */
	static final String PROFILE = "main";

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

	/** The ladder made from the feed, which arrives as MPEG-TS on standard input. */
	public static List<String> command(Path ffmpeg, List<Rung> rungs, MediaInfo feed, LiveSettings settings,
			int listSize, Path out) {
		return command(ffmpeg, rungs, feed, settings, listSize, out, null);
	}

	/**
	 * The ladder; with {@code lowLatency}, cut into parts instead of segments (see {@link #ladder}), from which
	 * {@link PartAssembler} makes the segments.
	 */
	public static List<String> command(Path ffmpeg, List<Rung> rungs, MediaInfo feed, LiveSettings settings,
			int listSize, Path out, @Nullable LowLatency lowLatency) {
		return command(ffmpeg, rungs, feed, settings, listSize, out, lowLatency, false);
	}

	/**
	 * The ladder; with {@code passthrough}, the first rung is the feed's video copied ({@link Passthrough}) and the
	 * others are encoded at the feed's frame rate with their keyframes on the feed's own, so all cut on the same
	 * frames.
	 */
	public static List<String> command(Path ffmpeg, List<Rung> rungs, MediaInfo feed, LiveSettings settings,
			int listSize, Path out, @Nullable LowLatency lowLatency, boolean passthrough) {
		return command(ffmpeg, rungs, feed, settings, listSize, out, lowLatency, passthrough, false);
	}

	/**
	 * The ladder; {@code aligned} for a session with two pipelines (docs/adr/0020): segments cut on a grid of the
	 * feed's own timestamps, so that two encoders that started anywhere in the feed cut the same pictures. The feed's
	 * timestamps are kept ({@code -copyts}); the frame rate is made by the {@code fps} filter, which keeps them on the
	 * grid of the feed's clock (the {@code -r} output option would fill from zero); and the encoder's first picture is
	 * the first whose time is a whole number of segments, so the contract's forced keyframes, counted from it, fall on
	 * that grid in both.
	 */
	public static List<String> command(Path ffmpeg, List<Rung> rungs, MediaInfo feed, LiveSettings settings,
			int listSize, Path out, @Nullable LowLatency lowLatency, boolean passthrough, boolean aligned) {
		// a small probe: the first playlist appears in ~2.5 s instead of ~7.5 s
		List<String> input = new ArrayList<>();
		if (aligned) {
			input.add("-copyts");
		}
		input.addAll(List.of("-probesize", "1M", "-analyzeduration", "1M", "-fflags", "+genpts", "-f", "mpegts",
				"-i", "pipe:0"));
		String prepare = feed.video() == null ? ""
				: KeyframeContract.deinterlace(feed.video()).map(deinterlace -> deinterlace + ",").orElse("");
		if (aligned) {
			int segment = settings.segmentSeconds();
			prepare += "fps=" + FRAME_RATE + ",select='if(isnan(prev_selected_t),lt(mod(t+0.001," + segment
					+ "),0.002),1)',";
		}
		else if (!passthrough) {
			// the frame rate made in the graph, not by -r: the fps filter carries the feed's CEA-608/708 captions over
			// to the frames it keeps (ffmpeg's ccfifo), where -r drops or repeats their bytes with the frames
			prepare += "fps=" + FRAME_RATE + ",";
		}
		return ladder(ffmpeg, input, prepare, "0:a:0", rungs, feed, settings, listSize, out, lowLatency, passthrough,
				aligned, !passthrough);
	}

	/**
	 * The same ladder, playlists and sizes made from a still picture and silence, in real time, while the feed is
	 * away: the playlists go on (after a discontinuity) instead of freezing. The picture is fitted into the feed's
	 * frame, so every rung has the size it had; audio is silence where the feed had audio.
	 */
	public static List<String> slate(Path ffmpeg, Path picture, List<Rung> rungs, MediaInfo feed, LiveSettings settings,
			int listSize, Path out) {
		return slate(ffmpeg, picture, rungs, feed, settings, listSize, out, null);
	}

	/** The slate, cut into parts when the channel is low-latency. */
	public static List<String> slate(Path ffmpeg, Path picture, List<Rung> rungs, MediaInfo feed, LiveSettings settings,
			int listSize, Path out, @Nullable LowLatency lowLatency) {
		List<String> input = new ArrayList<>(List.of("-re", "-loop", "1", "-framerate", FRAME_RATE, "-i",
				picture.toString()));
		if (feed.hasAudio()) {
			input.addAll(List.of("-re", "-f", "lavfi", "-i", "anullsrc=channel_layout=stereo:sample_rate=48000"));
		}
		MediaInfo.Video video = feed.video();
		int width = video == null ? 1280 : video.width() - video.width() % 2;
		int height = video == null ? 720 : video.height() - video.height() % 2;
		String fit = "scale=" + width + ":" + height + ":force_original_aspect_ratio=decrease,pad=" + width + ":" + height
				+ ":(ow-iw)/2:(oh-ih)/2:color=0x111827,setsar=1,";
		return ladder(ffmpeg, input, fit, "1:a:0", rungs, feed, settings, listSize, out, lowLatency, false, false,
				false);
	}

	/**
	 * The ladder's command. Low latency changes two things. No B-frames: a frame leaves the
	 * encoder as soon as it is coded, and with no reordering every part is exactly 15 frames in every rendition
	 * (with B-frames the muxer cuts parts of 0.4 to 0.6 s, differently per rendition). The muxer cuts by time
	 * ({@code split_by_time}) at every half second, keyframe or not, into {@code p_NNNNNN.ts} listed in
	 * {@code parts.m3u8}; keyframes stay where the contract puts them, one per segment.
	 *
	 * <p>With {@code passthrough} rung 0 is the feed's video stream copied, and every encoder option is given per
	 * encoded stream ({@code -g:v:1}): a copied stream refuses encoder options.
	 *
	 * <p>With {@code rateInGraph} the {@code prepare} filters made the 30 fps already, and the encoder takes the
	 * frames as they come.
	 */
	private static List<String> ladder(Path ffmpeg, List<String> input, String prepare, String audioSource,
			List<Rung> rungs, MediaInfo feed, LiveSettings settings, int listSize, Path out,
			@Nullable LowLatency lowLatency, boolean passthrough, boolean aligned, boolean rateInGraph) {
		boolean portrait = feed.video() != null && feed.video().portrait();
		boolean audio = feed.hasAudio();
		int segment = settings.segmentSeconds();
		List<String> args = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-nostats",
				"-loglevel", "warning"));
		args.addAll(input);
		int first = passthrough ? 1 : 0; // the first encoded rung
		int encoded = rungs.size() - first;
		if (encoded > 0) {
			StringBuilder filter = new StringBuilder("[0:v]").append(prepare);
			filter.append("split=").append(encoded);
			for (int i = first; i < rungs.size(); i++) {
				filter.append("[s").append(i).append(']');
			}
			for (int i = first; i < rungs.size(); i++) {
				int side = rungs.get(i).shortSide();
				filter.append(";[s").append(i).append("]scale=")
					.append(portrait ? "w=" + side + ":h=-2" : "w=-2:h=" + side)
					.append("[v").append(i).append(']');
			}
			args.addAll(List.of("-filter_complex", filter.toString()));
		}
		for (int i = 0; i < rungs.size(); i++) {
			args.addAll(List.of("-map", i < first ? "0:v:0" : "[v" + i + "]"));
		}
		if (audio) {
			for (int i = 0; i < rungs.size(); i++) {
				args.addAll(List.of("-map", audioSource));
			}
		}
		List<String> encoder = new ArrayList<>(List.of("-c:v", "libx264", "-preset", settings.preset(), "-profile:v",
				PROFILE, "-pix_fmt", "yuv420p"));
		MediaInfo.Video video = feed.video();
		if (passthrough && video != null) {
			encoder.addAll(KeyframeContract.sourceKeyframeArguments(video.fps(), segment));
		}
		else if (rateInGraph) {
			// the fps filter made the frame rate (on the feed's clock when aligned): the encoder takes the frames as
			// they are
			List<String> contract = new ArrayList<>(KeyframeContract.videoArguments(FRAME_RATE, segment, 0));
			int rate = contract.indexOf("-r");
			contract.subList(rate, rate + 2).clear();
			contract.set(contract.indexOf("-fps_mode") + 1, "passthrough");
			encoder.addAll(contract);
		}
		else {
			encoder.addAll(KeyframeContract.videoArguments(FRAME_RATE, segment, 0));
		}
		if (lowLatency != null) {
			encoder.addAll(List.of("-bf", "0"));
		}
		if (passthrough) {
			args.addAll(List.of("-c:v:0", "copy"));
			for (int i = first; i < rungs.size(); i++) {
				args.addAll(perStream(encoder, i));
			}
		}
		else {
			args.addAll(encoder);
		}
		for (int i = first; i < rungs.size(); i++) {
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
		if (lowLatency != null) {
			int parts = lowLatency.partsPerSegment();
			// the parts playlist only feeds the assembler, which reads it every 50 ms: a few segments' worth, whatever
			// the DVR window (that one is the segment playlist's). The encoder deletes no part: working through a
			// backlog it can make dozens in a second, faster than they are assembled and stored, so the assembler
			// deletes each once its segment no longer lists it
			args.addAll(List.of("-f", "hls", "-hls_time", String.valueOf(lowLatency.partSeconds()), "-hls_list_size",
					String.valueOf((PartAssembler.SEGMENTS_WITH_PARTS + 2) * parts),
					"-hls_flags", "split_by_time+program_date_time+omit_endlist+append_list",
					"-hls_segment_type", "mpegts", "-hls_segment_filename",
					out.resolve("%v").resolve(PartAssembler.PART_FILES).toString(), "-var_stream_map", map.toString(),
					out.resolve("%v").resolve(PartAssembler.PARTS_PLAYLIST).toString()));
			return args;
		}
		// with two pipelines the session's playlists are the numbering's (PipelineNumbering), which must see every
		// segment: an encoder working through a backlog makes several between two of its rounds, so it lists more
		args.addAll(List.of("-f", "hls", "-hls_time", String.valueOf(segment), "-hls_list_size",
				String.valueOf(aligned ? listSize + ALIGNED_SLACK : listSize), "-hls_delete_threshold", "3", "-hls_flags",
				"delete_segments+independent_segments+program_date_time+omit_endlist+append_list",
				"-hls_segment_type", "mpegts", "-hls_segment_filename", out.resolve("%v").resolve("seg_%05d.ts").toString(),
				"-var_stream_map", map.toString(), out.resolve("%v").resolve("index.m3u8").toString()));
		return args;
	}

	/** Options (pairs of {@code -name value}) for video stream {@code index} alone: {@code -g} becomes {@code -g:v:1}. */
	static List<String> perStream(List<String> options, int index) {
		List<String> specific = new ArrayList<>();
		for (int i = 0; i < options.size(); i += 2) {
			String name = options.get(i);
			specific.add(name.endsWith(":v") ? name + ":" + index : name + ":v:" + index);
			specific.add(options.get(i + 1));
		}
		return specific;
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
	 * Constrained Baseline, see {@link KeyframeContract#x264Avc1}), AAC-LC.
	 */
	public static String codecs(Rung rung, MediaInfo.@Nullable Video video, String preset, boolean audio) {
		int level = Math.round(Float.parseFloat(level(rung, video)) * 10);
		return KeyframeContract.x264Avc1(PROFILE, preset, level) + (audio ? ",mp4a.40.2" : "");
	}

}
