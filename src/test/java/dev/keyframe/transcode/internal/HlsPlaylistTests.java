package dev.keyframe.transcode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.keyframe.platform.Packaging;

class HlsPlaylistTests {

	@Test
	void readsSegmentsAndTheirBoundaries() {
		HlsPlaylist playlist = HlsPlaylist.parse("""
				#EXTM3U
				#EXT-X-TARGETDURATION:4
				#EXTINF:4.000000,
				seg_00000.ts
				#EXTINF:4.000000,
				seg_00001.ts
				#EXTINF:1.500000,
				seg_00002.ts
				#EXT-X-ENDLIST
				""");

		assertThat(playlist.segments()).extracting(HlsPlaylist.Segment::uri)
			.containsExactly("seg_00000.ts", "seg_00001.ts", "seg_00002.ts");
		assertThat(playlist.boundaries()).containsExactly(0.0, 4.0, 8.0);
		assertThat(playlist.duration()).isEqualTo(9.5);
	}

	@Test
	void aCmafPlaylistNamesItsInitSegmentAndFragmentedSegments() {
		String cmaf = HlsPlaylist.write(List.of(4.0, 4.0, 1.5), 4, true, Packaging.CMAF);
		String ts = HlsPlaylist.write(List.of(4.0, 1.5), 4, false, Packaging.TS);

		assertThat(cmaf).startsWith("#EXTM3U\n#EXT-X-VERSION:7\n")
			.contains("#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:4.000000,\nseg_00000.m4s\n")
			.contains("seg_00002.m4s\n#EXT-X-ENDLIST");
		assertThat(cmaf.indexOf("#EXT-X-MAP")).as("before the first segment").isLessThan(cmaf.indexOf("#EXTINF"));
		assertThat(HlsPlaylist.parse(cmaf).segments()).extracting(HlsPlaylist.Segment::uri)
			.containsExactly("seg_00000.m4s", "seg_00001.m4s", "seg_00002.m4s");
		assertThat(Packaging.of(cmaf)).isEqualTo(Packaging.CMAF);
		assertThat(ts).startsWith("#EXTM3U\n#EXT-X-VERSION:3\n").contains("seg_00001.ts").doesNotContain("EXT-X-MAP")
			.doesNotContain("ENDLIST");
		assertThat(Packaging.of(ts)).isEqualTo(Packaging.TS);
	}

	@Test
	void anEmptyPlaylistIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> HlsPlaylist.parse("#EXTM3U\n#EXT-X-ENDLIST\n"));
	}

	@Test
	void jobMessagesCarryOnlyTheJobId() {
		UUID id = UUID.randomUUID();
		assertThat(JobMessage.parse(JobMessage.body(id))).contains(id);
		assertThat(JobMessage.parse("not json")).isEqualTo(Optional.empty());
		assertThat(JobMessage.parse("{\"jobId\":\"not-a-uuid-but-thirty-six-characters\"}")).isEmpty();
	}

}
