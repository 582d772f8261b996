package dev.keyframe.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;

class MasterPlaylistTests {

	static RenditionSpec video(String profile, int width, int height, long bandwidth) {
		return new RenditionSpec(profile, RenditionKind.VIDEO, width, height, bandwidth, bandwidth - 1000,
				"avc1.64001f,mp4a.40.2", "30000/1001", "media/x/" + profile + "/index.m3u8", 15, 1000, List.of(0.0));
	}

	@Test
	void listsEveryPublishedRenditionLowestBandwidthFirst() {
		String master = MasterPlaylist.write(List.of(video("720p", 1280, 720, 3_000_000), video("360p", 640, 360, 900_000)));

		assertThat(master).isEqualTo("""
				#EXTM3U
				#EXT-X-VERSION:3
				#EXT-X-INDEPENDENT-SEGMENTS
				#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=899000,RESOLUTION=640x360,FRAME-RATE=29.970,CODECS="avc1.64001f,mp4a.40.2"
				360p/index.m3u8
				#EXT-X-STREAM-INF:BANDWIDTH=3000000,AVERAGE-BANDWIDTH=2999000,RESOLUTION=1280x720,FRAME-RATE=29.970,CODECS="avc1.64001f,mp4a.40.2"
				720p/index.m3u8
				""");
	}

	@Test
	void audioRenditionsHaveNoResolution() {
		RenditionSpec audio = new RenditionSpec("audio-64k", RenditionKind.AUDIO, 0, 0, 70_000, 68_000, "mp4a.40.2",
				null, "k", 3, 100, List.of(0.0));

		assertThat(MasterPlaylist.write(List.of(audio))).contains("BANDWIDTH=70000,AVERAGE-BANDWIDTH=68000,CODECS=\"mp4a.40.2\"")
			.doesNotContain("RESOLUTION");
	}

}
