package dev.keyframe.catalog.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.platform.MediaInfo;

/**
 * Writes an HLS master playlist from published renditions, lowest bandwidth first. Variant URIs are relative
 * ({@code 720p/index.m3u8}), so the same playlist works behind any CDN domain or signed path.
 */
public final class MasterPlaylist {

	private MasterPlaylist() {
	}

	public static String write(List<RenditionSpec> renditions) {
		StringBuilder out = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
		renditions.stream().sorted(Comparator.comparingLong(RenditionSpec::bandwidth)).forEach(r -> {
			out.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(r.bandwidth());
			out.append(",AVERAGE-BANDWIDTH=").append(r.averageBandwidth());
			if (r.kind() == RenditionKind.VIDEO) {
				out.append(",RESOLUTION=").append(r.width()).append('x').append(r.height());
				if (r.frameRate() != null) {
					out.append(",FRAME-RATE=").append(frameRate(r.frameRate()));
				}
			}
			out.append(",CODECS=\"").append(r.codecs()).append("\"\n");
			out.append(r.profile()).append("/index.m3u8\n");
		});
		return out.toString();
	}

	private static String frameRate(String fraction) {
		return String.format(Locale.ROOT, "%.3f", MediaInfo.Video.fps(fraction));
	}

}
