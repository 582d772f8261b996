package dev.keyframe.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class PackagingTests {

	@Test
	void eachPackagingNamesAndTypesItsOwnSegments() {
		assertThat(Packaging.CMAF.segmentName(42)).isEqualTo("seg_00042.m4s");
		assertThat(Packaging.TS.segmentName(42)).isEqualTo("seg_00042.ts");
		assertThat(Packaging.CMAF.isSegment("seg_00042.m4s")).isTrue();
		assertThat(Packaging.CMAF.isSegment("seg_00042.m4s.tmp")).as("ffmpeg is still writing it").isFalse();
		assertThat(Packaging.CMAF.isSegment("init.mp4")).isFalse();
		assertThat(Packaging.TS.isSegment("seg_00042.m4s")).isFalse();
		assertThat(Packaging.CMAF.segmentType()).isEqualTo("video/iso.segment");
		assertThat(Packaging.TS.segmentType()).isEqualTo(MediaTypes.MPEG_TS);
		assertThat(Packaging.CMAF.initType(false)).isEqualTo("audio/mp4");
		assertThat(Packaging.TS.init()).isNull();
	}

	@Test
	void aPlaylistSaysItsPackagingByItsInitSegment() {
		String cmaf = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:4,\nseg_00000.m4s\n";

		assertThat(Packaging.initUri(cmaf)).isEqualTo("init.mp4");
		assertThat(Packaging.of(cmaf)).isEqualTo(Packaging.CMAF);
		assertThat(Packaging.initUri("#EXTM3U\n#EXTINF:4,\nseg_00000.ts\n")).isNull();
		assertThat(Packaging.readable("https://o/seg_00000.m4s?s=1", "https://o/init.mp4?s=1"))
			.isEqualTo("concat:https://o/init.mp4?s=1|https://o/seg_00000.m4s?s=1");
		assertThat(Packaging.readable("/tmp/seg_00000.ts", null)).isEqualTo("/tmp/seg_00000.ts");
	}

	@Test
	void aCmafSegmentContinuesAnotherWithItsFragmentsAlone() {
		byte[] segment = concat(box("styp", 12), box("sidx", 36), box("moof", 100), box("mdat", 1000));

		byte[] tail = Packaging.CMAF.continuation(segment);

		assertThat(new String(tail, 4, 4, StandardCharsets.ISO_8859_1)).isEqualTo("moof");
		assertThat(tail).hasSize(1100);
		assertThat(Packaging.TS.continuation(segment)).isSameAs(segment);
		byte[] bare = concat(box("moof", 100), box("mdat", 20));
		assertThat(Packaging.CMAF.continuation(bare)).isEqualTo(bare);
	}

	private static byte[] box(String type, int size) {
		ByteBuffer box = ByteBuffer.allocate(size);
		box.putInt(size).put(type.getBytes(StandardCharsets.ISO_8859_1));
		return box.array();
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

}
