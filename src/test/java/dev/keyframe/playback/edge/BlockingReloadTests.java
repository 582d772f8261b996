package dev.keyframe.playback.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** When the edge answers a blocking playlist request (RFC 8216bis, 6.2.5.2), on a playlist at segment 12, part 1. */
class BlockingReloadTests {

	/** Segments 10 and 11 with their parts, then parts 0 and 1 of segment 12 and a hint for part 2. */
	private static final String PLAYLIST = """
			#EXTM3U
			#EXT-X-VERSION:6
			#EXT-X-TARGETDURATION:2
			#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500
			#EXT-X-PART-INF:PART-TARGET=0.500
			#EXT-X-MEDIA-SEQUENCE:10
			#EXT-X-PART:DURATION=0.50000,URI="p_000040.ts",INDEPENDENT=YES
			#EXT-X-PART:DURATION=0.50000,URI="p_000041.ts"
			#EXT-X-PART:DURATION=0.50000,URI="p_000042.ts"
			#EXT-X-PART:DURATION=0.50000,URI="p_000043.ts"
			#EXTINF:2.000000,
			s_000010.ts
			#EXT-X-PART:DURATION=0.50000,URI="p_000044.ts",INDEPENDENT=YES
			#EXT-X-PART:DURATION=0.50000,URI="p_000045.ts"
			#EXT-X-PART:DURATION=0.50000,URI="p_000046.ts"
			#EXT-X-PART:DURATION=0.50000,URI="p_000047.ts"
			#EXTINF:2.000000,
			s_000011.ts
			#EXT-X-PART:DURATION=0.50000,URI="p_000048.ts",INDEPENDENT=YES
			#EXT-X-PART:DURATION=0.50000,URI="p_000049.ts"
			#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p_000050.ts"
			""";

	@Test
	void aRequestIsAnsweredOnceThePlaylistHoldsTheSegmentOrPartItNames() {
		assertThat(reload("_HLS_msn=11").answer(PLAYLIST)).isEqualTo(BlockingReload.Answer.READY);
		assertThat(reload("_HLS_msn=12&_HLS_part=1").answer(PLAYLIST)).isEqualTo(BlockingReload.Answer.READY);
		assertThat(reload("_HLS_msn=12&_HLS_part=2").answer(PLAYLIST)).as("the hinted part").isEqualTo(
				BlockingReload.Answer.WAIT);
		assertThat(reload("_HLS_msn=12").answer(PLAYLIST)).as("the whole open segment").isEqualTo(
				BlockingReload.Answer.WAIT);
		assertThat(reload("_HLS_msn=13&_HLS_part=0").answer(PLAYLIST)).as("newest plus two").isEqualTo(
				BlockingReload.Answer.WAIT);
		assertThat(reload("_HLS_msn=14").answer(PLAYLIST)).as("beyond the newest plus two").isEqualTo(
				BlockingReload.Answer.TOO_FAR);
		assertThat(reload("_HLS_msn=12&_HLS_part=7").answer(PLAYLIST)).as("six parts ahead: the advance part limit")
			.isEqualTo(BlockingReload.Answer.WAIT);
		assertThat(reload("_HLS_msn=12&_HLS_part=8").answer(PLAYLIST)).as("seven parts ahead")
			.isEqualTo(BlockingReload.Answer.TOO_FAR);
		assertThat(reload("_HLS_msn=13&_HLS_part=3").answer(PLAYLIST)).as("two parts left of 12, then four: six")
			.isEqualTo(BlockingReload.Answer.WAIT);
		assertThat(reload("_HLS_msn=13&_HLS_part=4").answer(PLAYLIST)).isEqualTo(BlockingReload.Answer.TOO_FAR);
		assertThat(reload("_HLS_msn=99").answer(PLAYLIST + "#EXT-X-ENDLIST\n")).as("an ended stream answers at once")
			.isEqualTo(BlockingReload.Answer.READY);
		assertThat(BlockingReload.holdMillis(PLAYLIST)).isEqualTo(6000);
	}

	@Test
	void onlyWholeNumbersAndASegmentWithAPartAreAccepted() {
		assertThat(BlockingReload.of(null)).isNull();
		assertThat(BlockingReload.of("Policy=abc&Signature=def")).isNull();
		assertThat(BlockingReload.of("_HLS_msn=7&_HLS_skip=YES")).isEqualTo(new BlockingReload(7, null));
		assertThatThrownBy(() -> BlockingReload.of("_HLS_part=2")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> BlockingReload.of("_HLS_msn=-1")).isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> BlockingReload.of("_HLS_msn=1&_HLS_part=x")).isInstanceOf(
				IllegalArgumentException.class);
	}

	private static BlockingReload reload(String query) {
		return BlockingReload.of(query);
	}

}
