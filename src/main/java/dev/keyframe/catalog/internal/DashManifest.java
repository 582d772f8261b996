package dev.keyframe.catalog.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.catalog.TextTrackKind;
import dev.keyframe.platform.MediaTypes;
import dev.keyframe.platform.Packaging;

/**
 * An asset's DASH manifest: a static MPD (ISO/IEC 23009-1, the {@code isoff-live} profile) of the same CMAF
 * segments and init segments its HLS playlists list, so that DASH costs no encode and no object but the MPD.
 * <p>
 * It is offered ({@link #offers}) once every listed rendition is complete CMAF of a known length: segments of
 * MPEG-TS (assets made before CMAF, or with the TS setting) are not DASH, and an asset still encoding plays from
 * HLS's growing playlists. One video adaptation set holds the video renditions, each audio rendition of a video
 * asset is an adaptation set of its own (its language, name and role: {@code main} and the higher
 * {@code selectionPriority} for the default, which comes first), an audio-only
 * asset's renditions are one, and each text track is a WebVTT adaptation set of its whole file. Every
 * representation has its own {@code SegmentTimeline} of the segments' stored lengths, on a 90 kHz clock whose
 * presentation starts at the packaging's timeline origin, where every encode's timestamps start.
 */
@Component
public class DashManifest implements Manifest {

	/** The clock of every segment timeline: MPEG's 90 kHz, finer than any frame or AAC frame. */
	static final long TIMESCALE = 90_000;

	private static final String ROLES = "urn:mpeg:dash:role:2011";

	private static final String CHANNELS = "urn:mpeg:mpegB:cicp:ChannelConfiguration";

	/** Whether an asset listing {@code listed} has an MPD: every one complete CMAF of a known length. */
	public static boolean offers(List<RenditionSpec> listed) {
		return !listed.isEmpty() && listed.stream()
			.allMatch(r -> r.complete() && r.packaging() == Packaging.CMAF && r.duration() > 0
					&& !r.boundaries().isEmpty() && r.boundaries().size() == r.segmentCount());
	}

	@Override
	public String key(AssetId asset) {
		return AssetKeys.dash(asset);
	}

	@Override
	public String contentType() {
		return MediaTypes.DASH_MANIFEST;
	}

	@Override
	public Optional<String> write(Listing listing) {
		return offers(listing.renditions()) ? Optional.of(mpd(listing)) : Optional.empty();
	}

	/**
	 * Only a listing of complete renditions is offered, and growing ones are listed only while none is complete (see
	 * {@link MasterPlaylist#listed}): before the first is complete there is nothing to remove, and asking the store
	 * to, with every growing publication, would only slow instant VOD.
	 */
	@Override
	public boolean mayBeStored(Listing listing) {
		return listing.renditions().stream().anyMatch(RenditionSpec::complete);
	}

	/** The MPD of renditions it {@link #offers}. */
	static String mpd(Listing listing) {
		List<RenditionSpec> renditions = listing.renditions();
		boolean hasVideo = renditions.stream().anyMatch(r -> r.kind() == RenditionKind.VIDEO);
		// as long as the picture (the AAC frames' last one may run a few ms past it), or the sound of an audio asset
		double duration = renditions.stream()
			.filter(r -> !hasVideo || r.kind() == RenditionKind.VIDEO)
			.mapToDouble(RenditionSpec::duration)
			.max()
			.orElse(0);
		double longest = renditions.stream().flatMap(r -> durations(r).stream()).mapToDouble(d -> d).max().orElse(1);
		StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
			.append("<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" profiles=\"urn:mpeg:dash:profile:isoff-live:2011\"")
			.append(" type=\"static\" mediaPresentationDuration=\"").append(seconds(duration))
			.append("\" minBufferTime=\"PT").append((long) Math.ceil(longest)).append("S\">\n")
			.append("  <Period id=\"0\" start=\"PT0S\">\n");
		int set = 0;
		List<RenditionSpec> video = renditions.stream()
			.filter(r -> r.kind() == RenditionKind.VIDEO)
			.sorted(Comparator.comparingLong(RenditionSpec::bandwidth))
			.toList();
		if (!video.isEmpty()) {
			out.append("    <AdaptationSet id=\"").append(set++)
				.append("\" contentType=\"video\" mimeType=\"video/mp4\" segmentAlignment=\"true\" startWithSAP=\"1\"")
				.append(" maxWidth=\"").append(video.stream().mapToInt(RenditionSpec::width).max().orElse(0))
				.append("\" maxHeight=\"").append(video.stream().mapToInt(RenditionSpec::height).max().orElse(0))
				.append("\">\n");
			for (RenditionSpec r : video) {
				out.append("      <Representation id=\"").append(attribute(r.profile())).append("\" bandwidth=\"")
					.append(r.bandwidth()).append("\" width=\"").append(r.width()).append("\" height=\"")
					.append(r.height()).append('"');
				if (r.frameRate() != null) {
					out.append(" frameRate=\"").append(attribute(r.frameRate())).append('"');
				}
				out.append(" sar=\"1:1\" codecs=\"").append(attribute(r.codecs())).append("\">\n");
				template(out, r);
				out.append("      </Representation>\n");
			}
			out.append("    </AdaptationSet>\n");
		}
		List<RenditionSpec> audio = renditions.stream()
			.filter(r -> r.kind() == RenditionKind.AUDIO)
			.sorted(Comparator.comparing(RenditionSpec::profile))
			.toList();
		Map<String, MasterPlaylist.Audio> labels = listing.audios()
			.stream()
			.collect(Collectors.toMap(MasterPlaylist.Audio::profile, Function.identity(), (a, b) -> a));
		// a video asset's audio renditions are one per source stream (a language each); an audio-only asset's are
		// the bitrates of its one stream
		List<List<RenditionSpec>> sets = new ArrayList<>();
		if (hasVideo) {
			audio.forEach(a -> sets.add(List.of(a)));
		}
		else if (!audio.isEmpty()) {
			sets.add(audio.stream().sorted(Comparator.comparingLong(RenditionSpec::bandwidth)).toList());
		}
		// the default first, as in the master playlist's group; and preferred by players (the highest priority)
		sets.stream()
			.filter(s -> isDefault(labels.get(s.getFirst().profile())))
			.findFirst()
			.ifPresent(chosen -> {
				sets.remove(chosen);
				sets.addFirst(chosen);
			});
		for (List<RenditionSpec> members : sets) {
			MasterPlaylist.Audio label = labels.get(members.getFirst().profile());
			boolean main = members == sets.getFirst();
			out.append("    <AdaptationSet id=\"").append(set++)
				.append("\" contentType=\"audio\" mimeType=\"audio/mp4\" segmentAlignment=\"true\" startWithSAP=\"1\"")
				.append(" selectionPriority=\"").append(main ? 2 : 1).append('"');
			if (label != null && !"und".equals(label.language())) {
				out.append(" lang=\"").append(attribute(label.language())).append('"');
			}
			out.append(">\n");
			// the schema's order: Label (of every representation base) before Role (of an adaptation set)
			if (label != null) {
				out.append("      <Label>").append(text(label.name())).append("</Label>\n");
			}
			out.append("      <Role schemeIdUri=\"").append(ROLES).append("\" value=\"")
				.append(main ? "main" : "alternate").append("\"/>\n");
			for (RenditionSpec r : members) {
				out.append("      <Representation id=\"").append(attribute(r.profile())).append("\" bandwidth=\"")
					.append(r.bandwidth()).append("\" codecs=\"").append(attribute(r.codecs()))
					.append("\" audioSamplingRate=\"48000\">\n")
					.append("        <AudioChannelConfiguration schemeIdUri=\"").append(CHANNELS)
					.append("\" value=\"2\"/>\n");
				template(out, r);
				out.append("      </Representation>\n");
			}
			out.append("    </AdaptationSet>\n");
		}
		List<String> names = MasterPlaylist.names(listing.texts());
		for (int track = 0; track < listing.texts().size(); track++) {
			MasterPlaylist.Text text = listing.texts().get(track);
			out.append("    <AdaptationSet id=\"").append(set++)
				.append("\" contentType=\"text\" mimeType=\"text/vtt\" lang=\"").append(attribute(text.language()))
				.append("\">\n      <Label>").append(text(names.get(track))).append("</Label>\n")
				.append("      <Role schemeIdUri=\"").append(ROLES).append("\" value=\"")
				.append(text.kind() == TextTrackKind.CAPTIONS ? "caption" : "subtitle").append("\"/>\n");
			if (text.isDefault()) {
				out.append("      <Role schemeIdUri=\"").append(ROLES).append("\" value=\"main\"/>\n");
			}
			out.append("      <Representation id=\"text-").append(track).append("\" bandwidth=\"256\">\n")
				.append("        <BaseURL>").append(text(text.file())).append("</BaseURL>\n")
				.append("      </Representation>\n    </AdaptationSet>\n");
		}
		return out.append("  </Period>\n</MPD>\n").toString();
	}

	private static boolean isDefault(MasterPlaylist.@Nullable Audio label) {
		return label != null && label.isDefault();
	}

	/**
	 * The rendition's segments on the MPD's clock: each starts where its stored boundary rounds to (so rounding
	 * never adds up along a long film) and lasts until the next one starts; runs of equal lengths are one entry.
	 */
	private static void template(StringBuilder out, RenditionSpec r) {
		Packaging packaging = r.packaging();
		long origin = Math.round(packaging.timelineOrigin() * TIMESCALE);
		String folder = attribute(r.profile()) + "/";
		out.append("        <SegmentTemplate timescale=\"").append(TIMESCALE).append("\" presentationTimeOffset=\"")
			.append(origin).append("\" initialization=\"").append(folder).append(packaging.init())
			.append("\" media=\"").append(folder).append(packaging.segmentTemplate())
			.append("\" startNumber=\"0\">\n          <SegmentTimeline>\n");
		List<Double> starts = r.boundaries();
		long previous = -1;
		int repeats = 0;
		boolean first = true;
		for (int i = 0; i < starts.size(); i++) {
			long start = Math.round(starts.get(i) * TIMESCALE);
			long end = Math.round((i + 1 < starts.size() ? starts.get(i + 1) : r.duration()) * TIMESCALE);
			long length = end - start;
			if (length == previous) {
				repeats++;
				continue;
			}
			if (previous >= 0) {
				entry(out, repeats);
			}
			out.append("            <S ");
			if (first) {
				out.append("t=\"").append(origin + start).append("\" ");
				first = false;
			}
			out.append("d=\"").append(length).append('"');
			previous = length;
			repeats = 0;
		}
		entry(out, repeats);
		out.append("          </SegmentTimeline>\n        </SegmentTemplate>\n");
	}

	private static void entry(StringBuilder out, int repeats) {
		if (repeats > 0) {
			out.append(" r=\"").append(repeats).append('"');
		}
		out.append("/>\n");
	}

	/** The lengths of a rendition's segments, in seconds. */
	private static List<Double> durations(RenditionSpec r) {
		List<Double> starts = r.boundaries();
		List<Double> lengths = new ArrayList<>(starts.size());
		for (int i = 0; i < starts.size(); i++) {
			lengths.add((i + 1 < starts.size() ? starts.get(i + 1) : r.duration()) - starts.get(i));
		}
		return lengths;
	}

	/** An ISO 8601 duration of seconds, to the millisecond: {@code PT63.480S}. */
	static String seconds(double seconds) {
		return String.format(Locale.ROOT, "PT%.3fS", seconds);
	}

	private static String attribute(String value) {
		return text(value).replace("\"", "&quot;");
	}

	private static String text(String value) {
		return value.replaceAll("\\p{Cntrl}", "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

}
