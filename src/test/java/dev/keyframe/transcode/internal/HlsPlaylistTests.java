package dev.keyframe.transcode.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

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
