package dev.keyframe.catalog.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.catalog.TextTrackKind;
import dev.keyframe.platform.MediaInfo;

/**
 * Writes an HLS master playlist from published renditions, lowest bandwidth first. Variant URIs are relative
 * ({@code 720p/index.m3u8}), so the same playlist works behind any CDN domain or signed path.
 * <p>
 * What is listed ({@link #listed}): the complete video renditions, or, while none is complete yet, the growing
 * ones (so an asset plays from its first stored chunk, and a player is not offered a rung that stops short);
 * a video rendition that plays with an audio rendition is listed only once that audio rendition is, as an
 * {@code EXT-X-MEDIA} audio group, and nothing is listed until a video rendition is. An asset without video lists
 * its audio renditions as variants.
 */
public final class MasterPlaylist {

	private MasterPlaylist() {
	}

	/**
	 * The renditions a master playlist lists now, out of those published; empty while nothing can play.
	 * @param videoSource the source has a picture: its audio alone is not something to play
	 */
	public static List<RenditionSpec> listed(List<RenditionSpec> published, boolean videoSource) {
		List<RenditionSpec> video = published.stream().filter(r -> r.kind() == RenditionKind.VIDEO).toList();
		List<RenditionSpec> audio = published.stream().filter(r -> r.kind() == RenditionKind.AUDIO).toList();
		if (video.isEmpty()) {
			return videoSource ? List.of() : completeOrGrowing(audio);
		}
		java.util.Set<String> audioProfiles = audio.stream().map(RenditionSpec::profile).collect(Collectors.toSet());
		// a video rendition plays once its group's first rendition (the one named as the group) is there
		List<RenditionSpec> shown = completeOrGrowing(video).stream()
			.filter(r -> r.audioGroup() == null || audioProfiles.contains(r.audioGroup()))
			.toList();
		List<RenditionSpec> listed = new ArrayList<>(shown);
		shown.stream()
			.map(RenditionSpec::audioGroup)
			.filter(java.util.Objects::nonNull)
			.distinct()
			.forEach(group -> audio.stream()
				.filter(a -> group.equals(group(a)))
				.sorted(Comparator.comparing(RenditionSpec::profile))
				.forEach(listed::add));
		return listed;
	}

	/**
	 * The audio group an audio rendition of a video asset belongs to: the one it names, or, for one published before
	 * groups had more than one rendition, its own profile (which its video renditions name).
	 */
	private static String group(RenditionSpec audio) {
		return audio.audioGroup() != null ? audio.audioGroup() : audio.profile();
	}

	private static List<RenditionSpec> completeOrGrowing(List<RenditionSpec> renditions) {
		List<RenditionSpec> complete = renditions.stream().filter(RenditionSpec::complete).toList();
		return complete.isEmpty() ? renditions : complete;
	}

	/** The group every variant names for its text tracks. */
	public static final String SUBTITLES_GROUP = "text";

	/** What captions (as opposed to subtitles) are marked with, for players' accessibility settings. */
	static final String CAPTIONS_CHARACTERISTICS = "public.accessibility.transcribes-spoken-dialog,"
			+ "public.accessibility.describes-music-and-sound";

	/**
	 * A text track as the manifests list it.
	 * @param uri its playlist, relative to the master
	 * @param file its whole WebVTT file, relative to the master (what DASH lists)
	 */
	public record Text(String language, String name, TextTrackKind kind, boolean isDefault, String uri, String file) {
	}

	/**
	 * What an audio rendition of a video asset is called in its group; a rendition without one is the group's
	 * {@code Main}.
	 * @param profile the rendition's profile
	 * @param language a BCP 47 tag, {@code und} when not known (then not listed)
	 * @param isDefault the one a player chooses unless the viewer's language matches another
	 */
	public record Audio(String profile, String language, String name, boolean isDefault) {
	}

	/** The master playlist of {@link #listed} renditions. */
	public static String write(List<RenditionSpec> renditions) {
		return write(renditions, List.of(), List.of());
	}

	/** The master playlist of {@link #listed} renditions and the asset's text tracks. */
	public static String write(List<RenditionSpec> renditions, List<Text> texts) {
		return write(renditions, List.of(), texts);
	}

	/**
	 * The master playlist of {@link #listed} renditions and the asset's text tracks, as one {@code SUBTITLES} group
	 * every variant names. Names are unique in the group (players list them by name): a repeated one gains its
	 * language.
	 */
	public static String write(List<RenditionSpec> renditions, List<Audio> audios, List<Text> texts) {
		boolean hasVideo = renditions.stream().anyMatch(r -> r.kind() == RenditionKind.VIDEO);
		Map<String, Audio> labels = audios.stream().collect(Collectors.toMap(Audio::profile, Function.identity(), (a, b) -> a));
		// each group's renditions, the one players take by default first
		Map<String, List<RenditionSpec>> groups = new java.util.TreeMap<>();
		if (hasVideo) {
			renditions.stream()
				.filter(r -> r.kind() == RenditionKind.AUDIO)
				.sorted(Comparator.comparing(RenditionSpec::profile))
				.forEach(a -> groups.computeIfAbsent(group(a), g -> new ArrayList<>()).add(a));
			groups.values().forEach(members -> members.stream()
				.filter(a -> labels.containsKey(a.profile()) && labels.get(a.profile()).isDefault())
				.findFirst()
				.ifPresent(chosen -> {
					members.remove(chosen);
					members.addFirst(chosen);
				}));
		}
		StringBuilder out = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:")
			.append(groups.isEmpty() && texts.isEmpty() ? 3 : 4)
			.append("\n#EXT-X-INDEPENDENT-SEGMENTS\n");
		groups.forEach((group, members) -> {
			java.util.Set<String> audioNames = new java.util.HashSet<>();
			for (RenditionSpec a : members) {
				Audio label = labels.get(a.profile());
				out.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"").append(group).append('"');
				if (label != null && !"und".equals(label.language())) {
					out.append(",LANGUAGE=\"").append(quotable(label.language())).append('"');
				}
				String name = label == null ? members.size() == 1 ? "Main" : a.profile() : quotable(label.name());
				if (!audioNames.add(name)) {
					name = name + " (" + a.profile() + ")";
					audioNames.add(name);
				}
				out.append(",NAME=\"").append(name).append("\",DEFAULT=").append(a == members.getFirst() ? "YES" : "NO")
					.append(",AUTOSELECT=YES,CHANNELS=\"2\",URI=\"").append(a.profile()).append("/index.m3u8\"\n");
			}
		});
		List<String> names = names(texts);
		for (int i = 0; i < texts.size(); i++) {
			Text text = texts.get(i);
			String name = names.get(i);
			out.append("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"").append(SUBTITLES_GROUP).append("\",NAME=\"")
				.append(name).append("\",LANGUAGE=\"").append(quotable(text.language()))
				.append("\",DEFAULT=").append(text.isDefault() ? "YES" : "NO")
				.append(",AUTOSELECT=YES,FORCED=NO");
			if (text.kind() == TextTrackKind.CAPTIONS) {
				out.append(",CHARACTERISTICS=\"").append(CAPTIONS_CHARACTERISTICS).append('"');
			}
			out.append(",URI=\"").append(text.uri()).append("\"\n");
		}
		renditions.stream()
			.filter(r -> !hasVideo || r.kind() == RenditionKind.VIDEO)
			.sorted(Comparator.comparingLong(RenditionSpec::bandwidth))
			.forEach(r -> {
				List<RenditionSpec> group = r.audioGroup() == null ? null : groups.get(r.audioGroup());
				RenditionSpec audio = group == null ? null : group.getFirst();
				// the peak with the group's most demanding rendition (RFC 8216bis 4.4.6.2), the average with its default
				long peak = r.bandwidth() + (group == null ? 0 : group.stream().mapToLong(RenditionSpec::bandwidth).max().orElse(0));
				long average = r.averageBandwidth() + (audio == null ? 0 : audio.averageBandwidth());
				out.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(peak);
				out.append(",AVERAGE-BANDWIDTH=").append(average);
				if (r.kind() == RenditionKind.VIDEO) {
					out.append(",RESOLUTION=").append(r.width()).append('x').append(r.height());
					if (r.frameRate() != null) {
						out.append(",FRAME-RATE=").append(frameRate(r.frameRate()));
					}
				}
				out.append(",CODECS=\"").append(r.codecs());
				if (audio != null) {
					out.append(',').append(audio.codecs()).append("\",AUDIO=\"").append(r.audioGroup());
				}
				out.append('"');
				if (!texts.isEmpty()) {
					out.append(",SUBTITLES=\"").append(SUBTITLES_GROUP).append('"');
				}
				out.append('\n');
				out.append(r.profile()).append("/index.m3u8\n");
			});
		return out.toString();
	}

	/**
	 * The text tracks' names as players list them, unique (a repeated one gains its language), and quotable, in
	 * the tracks' order: the same in every manifest.
	 */
	static List<String> names(List<Text> texts) {
		java.util.Set<String> seen = new java.util.HashSet<>();
		List<String> names = new ArrayList<>(texts.size());
		for (Text text : texts) {
			String name = quotable(text.name());
			if (!seen.add(name)) {
				name = name + " (" + text.language() + (text.kind() == TextTrackKind.CAPTIONS ? ", CC" : "") + ")";
				seen.add(name);
			}
			names.add(name);
		}
		return names;
	}

	/** A quoted-string attribute value: no double quote, no line break (RFC 8216 4.2). */
	private static String quotable(String value) {
		return value.replaceAll("[\"\\p{Cntrl}]", "");
	}

	private static String frameRate(String fraction) {
		return String.format(Locale.ROOT, "%.3f", MediaInfo.Video.fps(fraction));
	}

}
