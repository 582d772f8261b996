package dev.keyframe.live.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.keyframe.support.LowLatencyPlaylists;

/**
 * How a low-latency rendition's parts become segments and playlists. Parts here are files whose text says whether
 * they open with a keyframe ("K" first), as the real test (the TS random access indicator) would on an encoder's
 * parts; the live integration test covers the real encoder.
 */
class PartAssemblerTests {

	private static final LowLatency LAYOUT = new LowLatency(4, 0.5);

	@TempDir
	Path dir;

	private final List<String> listed = new ArrayList<>();

	private int next;

	@Test
	void partsBecomeSegmentsAtEachKeyframeAndTheSegmentIsItsPartsEndToEnd() throws IOException {
		PartAssembler assembler = assembler();
		parts(true, false, false, false, true, false);
		assembler.advance();
		assertThat(segmentsPlaylist()).contains("#EXT-X-MEDIA-SEQUENCE:0", "#EXTINF:2.000000,", "s_000000.ts")
			.doesNotContain("s_000001.ts");
		assertThat(Files.readString(dir.resolve("s_000000.ts"))).isEqualTo("K0|1|2|3|");
		assertThat(assembler.listedParts()).containsExactly("p_000000.ts", "p_000001.ts", "p_000002.ts", "p_000003.ts",
				"p_000004.ts", "p_000005.ts");

		String playlist = assembler.decorate(segmentsPlaylist());
		LowLatencyPlaylists.checkRules(playlist, 0.5);
		assertThat(playlist).contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500",
				"#EXT-X-PART-INF:PART-TARGET=0.500", "#EXT-X-PART:DURATION=0.50000,URI=\"p_000000.ts\",INDEPENDENT=YES",
				"#EXT-X-PART:DURATION=0.50000,URI=\"p_000005.ts\"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p_000006.ts\"");
		assertThat(playlist.indexOf("p_000003.ts")).as("a segment's parts come before it")
			.isLessThan(playlist.indexOf("s_000000.ts"));
		assertThat(playlist.indexOf("p_000004.ts")).as("the open segment's parts after the last segment")
			.isGreaterThan(playlist.indexOf("s_000000.ts"));
		assertThat(assembler.newestPosition()).as("part 1 of segment 1").containsExactly(1, 1);
		assertThat(PartAssembler.renditionReport("240p", assembler.newestPosition()))
			.isEqualTo("#EXT-X-RENDITION-REPORT:URI=\"../240p/index.m3u8\",LAST-MSN=1,LAST-PART=1");
		// 2 s of the segment, then the open segment's first part: the newest part starts 2.5 s after the segment
		assertThat(assembler.newestPartOffset()).isEqualTo(2.5);
	}

	/**
	 * A copied rung's feed with a keyframe every second still makes 2 s segments; a keyframe opens a segment early
	 * only where the open one did not start with a keyframe.
	 */
	@Test
	void keyframesMoreOftenThanSegmentsStillMakeWholeSegments() throws IOException {
		PartAssembler assembler = assembler();
		parts(false, true, false, true, false, true, false, true, false, true);
		assembler.advance();
		String segments = segmentsPlaylist();
		assertThat(Files.readString(dir.resolve("s_000000.ts"))).as("a start without a keyframe ends at the first")
			.isEqualTo("0|");
		assertThat(Files.readString(dir.resolve("s_000001.ts"))).isEqualTo("K1|2|K3|4|");
		assertThat(Files.readString(dir.resolve("s_000002.ts"))).isEqualTo("K5|6|K7|8|");
		assertThat(segments).doesNotContain("s_000003.ts");
	}

	@Test
	void aDiscontinuitySealsTheOpenSegmentAndOnlyTheNewestSegmentsListTheirParts() throws IOException {
		PartAssembler assembler = assembler();
		parts(true, false, false, false, true, false, false, false, true, false, false, false, true, false);
		assembler.advance();
		discontinuity();
		parts(true, false, false, false, true);
		assembler.advance();
		String segments = segmentsPlaylist();
		assertThat(segments).contains("s_000003.ts", "s_000004.ts").doesNotContain("s_000005.ts");
		assertThat(segments.substring(segments.indexOf("s_000003.ts"))).as("the seam")
			.containsOnlyOnce("#EXT-X-DISCONTINUITY");
		assertThat(segments).contains("#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:06.000+0000\ns_000003.ts");
		String playlist = assembler.decorate(segments);
		LowLatencyPlaylists.checkRules(playlist, 0.5);
		assertThat(playlist).as("parts of the last three segments only").doesNotContain("\"p_000007.ts\"")
			.contains("\"p_000008.ts\"");
		assertThat(dir.resolve("p_000007.ts")).as("a part no playlist lists any more is deleted").doesNotExist();
		assertThat(dir.resolve("p_000008.ts")).as("a part of the newest three segments stays").exists();
	}

	@Test
	void aSegmentNeverHoldsMoreThanItsPartsWhenNoKeyframeComes() throws IOException {
		PartAssembler assembler = assembler();
		parts(true, false, false, false, false, false);
		assembler.advance();
		assertThat(Files.readString(dir.resolve("s_000000.ts"))).isEqualTo("K0|1|2|3|");
	}

	@Test
	void finishingSealsTheOpenSegmentAndAnEndedPlaylistHasNoHintOrLoosePart() throws IOException {
		PartAssembler assembler = assembler();
		parts(true, false, false, false, true, false);
		assembler.advance();
		String live = assembler.decorate(segmentsPlaylist());
		String closed = HlsPublisher.ended(live);
		assertThat(closed).doesNotContain("PRELOAD-HINT", "p_000004.ts").endsWith("s_000000.ts\n#EXT-X-ENDLIST\n");
		assembler.finish();
		assertThat(segmentsPlaylist()).contains("#EXTINF:1.000000,", "s_000001.ts");
		assertThat(Files.readString(dir.resolve("s_000001.ts"))).isEqualTo("K4|5|");
	}

	/**
	 * A replacement transcoder: the segment the earlier one left open keeps its number and the parts players already
	 * hold under it, and the new encoder's parts are numbered past anything the earlier one may have stored.
	 */
	@Test
	void aReplacementSealsTheSegmentLeftOpenWithItsPublishedPartsAndNumbersPastThem() throws IOException {
		PartAssembler first = assembler();
		parts(true, false, false, false, true, false, false, false, true, false);
		first.advance();
		String published = first.decorate(segmentsPlaylist());
		assertThat(PartAssembler.newestPart(published)).isEqualTo(9);
		assertThat(PartAssembler.openParts(published)).extracting(PartAssembler.Part::uri)
			.containsExactly("p_000008.ts", "p_000009.ts");

		Path again = dir.resolve("next");
		Files.createDirectories(again);
		Files.writeString(again.resolve("index.m3u8"), HlsPublisher.forEncoder(published));
		PartAssembler.restore(again, published, 9, PartAssembler.continuedNumber(List.of(published)), (uri, target) -> {
			Files.copy(dir.resolve(uri), target);
			return true;
		});
		assertThat(Files.readString(again.resolve("index.m3u8"))).doesNotContain("EXT-X-PART", "SERVER-CONTROL",
				"PRELOAD-HINT");
		assertThat(Files.readString(again.resolve("parts.m3u8"))).as("numbering goes on past a gap")
			.contains("#EXT-X-MEDIA-SEQUENCE:" + PartAssembler.RESTORED_NUMBER_GAP); // 0 to 9 listed: next 18
		PartAssembler second = new PartAssembler(again, LAYOUT, 6, PartAssemblerTests::keyframe);
		// the encoder continues past the gap, after a discontinuity, with a keyframe
		int next = 10 + PartAssembler.RESTORED_NUMBER_GAP;
		assertThat(second.decorate(Files.readString(again.resolve("index.m3u8")))).as("the hint names that part")
			.contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + name(next) + "\"");
		StringBuilder parts = new StringBuilder(Files.readString(again.resolve("parts.m3u8")))
			.append("#EXT-X-DISCONTINUITY\n");
		for (int n = next; n < next + 5; n++) {
			Files.writeString(again.resolve(name(n)), (n == next || n == next + 4 ? "K" : "") + n + "|");
			parts.append("#EXTINF:0.500000,\n").append(name(n)).append('\n');
		}
		Files.writeString(again.resolve("parts.m3u8"), parts);
		second.advance();
		String segments = Files.readString(again.resolve("index.m3u8"));
		assertThat(segments).contains("#EXT-X-MEDIA-SEQUENCE:0", "s_000000.ts", "s_000001.ts", "s_000002.ts",
				"s_000003.ts");
		assertThat(Files.readString(again.resolve("s_000002.ts"))).as("the segment left open, as players had it")
			.isEqualTo("K8|9|");
		assertThat(Files.readString(again.resolve("s_000003.ts"))).as("the new run's first segment")
			.isEqualTo("K" + next + "|" + (next + 1) + "|" + (next + 2) + "|" + (next + 3) + "|");
		assertThat(segments.substring(segments.indexOf("s_000002.ts"))).as("the seam")
			.containsOnlyOnce("#EXT-X-DISCONTINUITY");
		assertThat(segments).contains("#EXT-X-TARGETDURATION:2");
	}

	/**
	 * A kill between one rendition's part and the next rendition's: the replacement's encoders still number their
	 * parts alike, past the newest any rendition had, so the renditions' parts keep one numbering and one hint.
	 */
	@Test
	void renditionsKilledBetweenTheirPartsContinueWithOneNumbering() throws IOException {
		PartAssembler first = assembler();
		parts(true, false, false, false, true, false, false, false, true, false);
		first.advance();
		String ahead = first.decorate(segmentsPlaylist());
		Path behindDir = dir.resolve("behind");
		Files.createDirectories(behindDir);
		PartAssembler lagging = new PartAssembler(behindDir, LAYOUT, 6, PartAssemblerTests::keyframe);
		writeParts(behindDir, true, false, false, false, true, false, false, false, true);
		lagging.advance();
		String behind = lagging.decorate(Files.readString(behindDir.resolve("index.m3u8")));
		assertThat(PartAssembler.newestPart(behind)).isEqualTo(8);

		int next = PartAssembler.continuedNumber(List.of(ahead, behind));
		assertThat(next).isEqualTo(10 + PartAssembler.RESTORED_NUMBER_GAP);
		int upTo = Math.min(PartAssembler.newestPart(ahead), PartAssembler.newestPart(behind));
		List<String> hints = new java.util.ArrayList<>();
		for (String published : List.of(ahead, behind)) {
			Path again = Files.createDirectories(dir.resolve("again-" + hints.size()));
			Files.writeString(again.resolve("index.m3u8"), HlsPublisher.forEncoder(published));
			Path from = published == ahead ? dir : behindDir;
			PartAssembler.restore(again, published, upTo, next, (uri, target) -> {
				Files.copy(from.resolve(uri), target);
				return true;
			});
			String restored = new PartAssembler(again, LAYOUT, 6, PartAssemblerTests::keyframe)
				.decorate(Files.readString(again.resolve("index.m3u8")));
			hints.add(restored.substring(restored.indexOf("#EXT-X-PRELOAD-HINT")).strip());
			assertThat(PartAssembler.openParts(restored)).extracting(PartAssembler.Part::uri)
				.as("the open segment restored only to the part both had").containsExactly("p_000008.ts");
		}
		assertThat(hints).containsOnly("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + name(next) + "\"");
	}

	@Test
	void renditionsAreTakenOnlyToTheNewestPartAllOfThemHave() throws IOException {
		PartAssembler assembler = assembler();
		parts(true, false, false, false, true, false);
		assembler.advance(assembler.listed(), 3);
		assertThat(assembler.newestPart()).isEqualTo(3);
		assertThat(dir.resolve("index.m3u8")).as("the keyframe part is not taken yet: nothing sealed").doesNotExist();
		assembler.advance(assembler.listed(), 5);
		assertThat(assembler.newestPart()).isEqualTo(5);
		assertThat(segmentsPlaylist()).contains("s_000000.ts");
	}

	private PartAssembler assembler() {
		return new PartAssembler(dir, LAYOUT, 6, PartAssemblerTests::keyframe);
	}

	private static boolean keyframe(Path part) {
		try {
			return Files.readString(part).startsWith("K");
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** Writes the next parts (true: it opens with a keyframe) and lists them as the encoder does. */
	private void parts(boolean... keyframes) throws IOException {
		for (boolean keyframe : keyframes) {
			int n = next++;
			Files.writeString(dir.resolve(name(n)), (keyframe ? "K" : "") + n + "|");
			listed.add(String.format(Locale.ROOT, "#EXTINF:0.500000,%n#EXT-X-PROGRAM-DATE-TIME:2026-01-01T00:00:%02d.%03d+0000%n%s",
					n / 2, n % 2 * 500, name(n)));
		}
		Files.writeString(dir.resolve("parts.m3u8"), "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:0\n"
				+ "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-DISCONTINUITY\n" + String.join("\n", listed) + "\n",
				StandardCharsets.UTF_8);
	}

	private void discontinuity() {
		listed.add("#EXT-X-DISCONTINUITY");
	}

	/** Another rendition's encoder output, parts numbered from 0, in {@code target}. */
	private static void writeParts(Path target, boolean... keyframes) throws IOException {
		StringBuilder playlist = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:0\n"
				+ "#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-DISCONTINUITY\n");
		for (int n = 0; n < keyframes.length; n++) {
			Files.writeString(target.resolve(name(n)), (keyframes[n] ? "K" : "") + n + "|");
			playlist.append("#EXTINF:0.500000,\n").append(name(n)).append('\n');
		}
		Files.writeString(target.resolve("parts.m3u8"), playlist, StandardCharsets.UTF_8);
	}

	private String segmentsPlaylist() throws IOException {
		return Files.readString(dir.resolve("index.m3u8"));
	}

	private static String name(int n) {
		return String.format(Locale.ROOT, "p_%06d.ts", n);
	}

}
