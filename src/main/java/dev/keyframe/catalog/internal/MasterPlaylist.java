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
		Map<String, RenditionSpec> audioByProfile = audio.stream()
			.collect(Collectors.toMap(RenditionSpec::profile, Function.identity()));
		List<RenditionSpec> shown = completeOrGrowing(video).stream()
			.filter(r -> r.audioGroup() == null || audioByProfile.containsKey(r.audioGroup()))
			.toList();
		List<RenditionSpec> listed = new ArrayList<>(shown);
		shown.stream()
			.map(RenditionSpec::audioGroup)
			.filter(java.util.Objects::nonNull)
			.distinct()
			.forEach(group -> listed.add(audioByProfile.get(group)));
		return listed;
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
	 * A text track as the master lists it.
	 * @param uri its playlist, relative to the master
	 */
	public record Text(String language, String name, TextTrackKind kind, boolean isDefault, String uri) {
	}

	/** The master playlist of {@link #listed} renditions. */
	public static String write(List<RenditionSpec> renditions) {
		return write(renditions, List.of());
	}

	/**
	 * The master playlist of {@link #listed} renditions and the asset's text tracks, as one {@code SUBTITLES} group
	 * every variant names. Names are unique in the group (players list them by name): a repeated one gains its
	 * language.
	 */
	public static String write(List<RenditionSpec> renditions, List<Text> texts) {
		boolean hasVideo = renditions.stream().anyMatch(r -> r.kind() == RenditionKind.VIDEO);
		Map<String, RenditionSpec> groups = hasVideo ? renditions.stream()
			.filter(r -> r.kind() == RenditionKind.AUDIO)
			.collect(Collectors.toMap(RenditionSpec::profile, Function.identity())) : Map.of();
		StringBuilder out = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:")
			.append(groups.isEmpty() && texts.isEmpty() ? 3 : 4)
			.append("\n#EXT-X-INDEPENDENT-SEGMENTS\n");
		groups.values().stream().sorted(Comparator.comparing(RenditionSpec::profile)).forEach(a -> out
			.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"").append(a.profile())
			.append("\",NAME=\"Main\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"2\",URI=\"")
			.append(a.profile())
			.append("/index.m3u8\"\n"));
		java.util.Set<String> names = new java.util.HashSet<>();
		for (Text text : texts) {
			String name = quotable(text.name());
			if (!names.add(name)) {
				name = name + " (" + text.language() + (text.kind() == TextTrackKind.CAPTIONS ? ", CC" : "") + ")";
				names.add(name);
			}
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
				RenditionSpec audio = r.audioGroup() == null ? null : groups.get(r.audioGroup());
				long peak = r.bandwidth() + (audio == null ? 0 : audio.bandwidth());
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
					out.append(',').append(audio.codecs()).append("\",AUDIO=\"").append(audio.profile());
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

	/** A quoted-string attribute value: no double quote, no line break (RFC 8216 4.2). */
	private static String quotable(String value) {
		return value.replaceAll("[\"\\p{Cntrl}]", "");
	}

	private static String frameRate(String fraction) {
		return String.format(Locale.ROOT, "%.3f", MediaInfo.Video.fps(fraction));
	}

}
