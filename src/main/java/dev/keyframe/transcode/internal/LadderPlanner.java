package dev.keyframe.transcode.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.transcode.TranscodeSettings;
import dev.keyframe.transcode.TranscodeSettings.Rung;

/**
 * Decides which renditions a source gets: the configured rungs that do not upscale it (by the short side, so
 * portrait and landscape are treated alike), at least one rung at the source's own size when it is smaller
 * than every rung, and audio rungs for audio-only sources.
 * <p>
 * Jobs are grouped into encode processes: with {@code firstRungAlone} the lowest rung is encoded on its own
 * (fast, so the asset becomes playable early) and the others together from one decode.
 */
public final class LadderPlanner {

	private LadderPlanner() {
	}

	public static List<PlannedJob> plan(MediaInfo media, TranscodeSettings settings) {
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
		boolean split = settings.firstRungAlone() && rungs.size() > 1;
		List<PlannedJob> jobs = new ArrayList<>();
		for (int i = 0; i < rungs.size(); i++) {
			Rung rung = rungs.get(i);
			boolean lowest = i == rungs.size() - 1;
			jobs.add(new PlannedJob(rung.name(), RenditionKind.VIDEO, rung.shortSide(), rung.videoKbps(),
					media.hasAudio() ? rung.audioKbps() : 0, split && !lowest ? 1 : 0));
		}
		return jobs;
	}

}
