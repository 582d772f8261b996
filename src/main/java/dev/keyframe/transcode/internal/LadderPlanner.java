package dev.keyframe.transcode.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.keyframe.catalog.AudioGroup;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.transcode.TranscodeSettings;
import dev.keyframe.platform.Rung;

/**
 * Decides which renditions a source gets, in which chunks, and which chunks share a decode (docs/adr/0015):
 * <ul>
 * <li>the configured rungs that do not upscale it (by the short side, so portrait and landscape are treated
 * alike), at least one rung at the source's own size when it is smaller than every rung, and audio rungs for
 * audio-only sources;</li>
 * <li>a source with video and audio gets one audio rendition per audio stream ({@value #AUDIO} for the first,
 * {@code audio-1} and on for the others, up to {@link MediaInfo#MAX_AUDIO_TRACKS}; at the ladder's highest audio bit
 * rate), each encoded once for the whole asset so its timeline has no seams (one decode for all of them, first; for
 * a source of one chunk, with the lowest rung); the video renditions carry no audio;</li>
 * <li>the timeline is cut into chunks of {@code chunkSeconds} on segment boundaries (a source up to one and a half
 * chunks long is one chunk, and a last piece shorter than half a chunk joins the one before), and each
 * (profile, chunk) is a job;</li>
 * <li>with {@code firstRungAlone} the lowest rung's chunks are encoded on their own, first and at normal
 * priority, so the asset plays within seconds and the encode stays ahead of a viewer; the other rungs of a chunk
 * share one decode in the background.</li>
 * </ul>
 */
public final class LadderPlanner {

	/** The profile of a video asset's (first) audio rendition, and the audio group its video renditions name. */
	public static final String AUDIO = AudioGroup.ID;

	private LadderPlanner() {
	}

	/** The jobs that make an asset's renditions, their segments packaged as the settings say. */
	public static List<PlannedJob> plan(MediaInfo media, TranscodeSettings settings) {
		return ladder(media, settings).stream().map(job -> job.packagedAs(settings.packaging())).toList();
	}

	private static List<PlannedJob> ladder(MediaInfo media, TranscodeSettings settings) {
		if (media.video() == null) {
			return settings.audioLadder()
				.stream()
				.map(r -> new PlannedJob(r.name(), RenditionKind.AUDIO, 0, 0, r.audioKbps(), 0))
				.toList();
		}
		int sourceShort = media.video().shortSide();
		List<Rung> rungs = new ArrayList<>(settings.ladder()
			.stream()
			.filter(r -> r.shortSide() <= sourceShort)
			.sorted(Comparator.comparingInt(Rung::shortSide).reversed())
			.toList());
		if (rungs.isEmpty()) {
			Rung lowest = settings.ladder().stream().min(Comparator.comparingInt(Rung::shortSide)).orElseThrow();
			rungs.add(new Rung(lowest.name(), Math.max(2, sourceShort / 2 * 2), lowest.videoKbps(), lowest.audioKbps()));
		}
		List<PlannedJob> jobs = new ArrayList<>();
		List<long[]> chunks = chunks(media.durationMillis(), settings);
		if (media.hasAudio()) {
			// one chunk: the audio comes from the lowest rung's decode, one read of the source fewer
			int kbps = rungs.stream().mapToInt(Rung::audioKbps).max().orElse(128);
			for (MediaInfo.AudioTrack track : media.audioTracks()) {
				jobs.add(new PlannedJob(AudioGroup.profile(track.index()), RenditionKind.AUDIO, 0, 0, kbps,
						chunks.size() == 1 ? 1 : 0));
			}
		}
		boolean split = settings.firstRungAlone() && rungs.size() > 1;
		for (int c = 0; c < chunks.size(); c++) {
			long start = chunks.get(c)[0];
			long end = chunks.get(c)[1];
			for (int i = 0; i < rungs.size(); i++) {
				Rung rung = rungs.get(i);
				boolean lowest = i == rungs.size() - 1;
				int group = split && !lowest ? PlannedJob.BACKGROUND + c : 1 + c;
				jobs.add(new PlannedJob(rung.name(), RenditionKind.VIDEO, rung.shortSide(), rung.videoKbps(), 0, group, c,
						start, end));
			}
		}
		return jobs;
	}

	/** The chunks' [start, end) in milliseconds, end 0 for the last; each start a segment boundary. */
	static List<long[]> chunks(long durationMillis, TranscodeSettings settings) {
		long length = settings.chunkSeconds() * 1000L;
		List<long[]> chunks = new ArrayList<>();
		if (durationMillis <= length * 3 / 2) {
			chunks.add(new long[] { 0, 0 });
			return chunks;
		}
		long start = 0;
		while (durationMillis - start > length * 3 / 2) {
			chunks.add(new long[] { start, start + length });
			start += length;
		}
		chunks.add(new long[] { start, 0 });
		return chunks;
	}

}
