package dev.keyframe.playback.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class BackSoonTests {

	private static final String LIVE = """
			#EXTM3U
			#EXT-X-VERSION:3
			#EXT-X-TARGETDURATION:2
			#EXT-X-MEDIA-SEQUENCE:40
			#EXT-X-DISCONTINUITY-SEQUENCE:1
			#EXT-X-PROGRAM-DATE-TIME:2026-12-02T10:00:00.000Z
			#EXTINF:2.000,
			seg_00040.ts
			#EXT-X-DISCONTINUITY
			#EXT-X-PROGRAM-DATE-TIME:2026-12-02T10:00:02.000Z
			#EXTINF:2.000,
			seg_00041.ts
			#EXTINF:2.000,
			seg_00042.ts
			""";

	private static final Instant END = Instant.parse("2026-12-02T10:00:06Z");

	@Test
	void readsWhenALivePlaylistsNewestMediaEnds() {
		BackSoon live = BackSoon.read(LIVE);
		assertThat(live).isNotNull();
		assertThat(live.end()).isEqualTo(END);
		assertThat(live.age(END.plusSeconds(13))).isEqualTo(Duration.ofSeconds(13));
		assertThat(live.slateMillis()).isEqualTo(2000);
	}

	@Test
	void leavesEveryOtherPlaylistAlone() {
		assertThat(BackSoon.read(LIVE + "#EXT-X-ENDLIST\n")).as("ended").isNull();
		assertThat(BackSoon.read(LIVE.replace("#EXT-X-VERSION:3", "#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:EVENT")))
			.as("event").isNull();
		assertThat(BackSoon.read(LIVE.replaceAll("#EXT-X-PROGRAM-DATE-TIME:.*\n", ""))).as("undated").isNull();
		assertThat(BackSoon.read("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n360p/index.m3u8\n")).as("master").isNull();
		assertThat(BackSoon.read("not a playlist")).isNull();
		assertThat(BackSoon.read(LIVE.replace("#EXTINF:2.000,", "#EXTINF:x,"))).as("malformed").isNull();
	}

	@Test
	void continuesTheNumberingAndDatesWithSlateSegmentsInRealTime() {
		// 9 s after the newest media ended: four slate segments have ended, and three are listed (at +0, +2 and +4 s)
		String slate = BackSoon.read(LIVE).continued(END.plusSeconds(9));
		assertThat(lines(slate, "_back-soon_2000.ts")).isEqualTo(3);
		assertThat(lines(slate, "#EXT-X-DISCONTINUITY")).as("one before each slate segment, none lost").isEqualTo(3);
		// the window keeps its length: the three oldest real segments slid out, one of them after a break
		assertThat(slate).contains("#EXT-X-MEDIA-SEQUENCE:43\n", "#EXT-X-DISCONTINUITY-SEQUENCE:2\n",
				"#EXT-X-TARGETDURATION:2\n")
			.doesNotContain("seg_0004")
			.contains("#EXT-X-PROGRAM-DATE-TIME:2026-12-02T10:00:06.000Z\n#EXTINF:2.000,\n_back-soon_2000.ts",
					"#EXT-X-PROGRAM-DATE-TIME:2026-12-02T10:00:10.000Z\n#EXTINF:2.000,\n_back-soon_2000.ts")
			.doesNotContain("#EXT-X-ENDLIST");
		assertThat(slate.lines().filter(line -> line.startsWith("#EXT-X-MEDIA-SEQUENCE")).count()).isEqualTo(1);
	}

	@Test
	void keepsTheRealSegmentsWhileTheyAreInTheWindow() {
		String slate = BackSoon.read(LIVE).continued(END.plusMillis(500));
		assertThat(slate).contains("#EXT-X-MEDIA-SEQUENCE:41\n", "#EXT-X-DISCONTINUITY-SEQUENCE:1\n")
			.contains("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-12-02T10:00:02.000Z\n#EXTINF:2.000,\nseg_00041.ts")
			.contains("seg_00042.ts\n#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-12-02T10:00:06.000Z");
		assertThat(lines(slate, "_back-soon_2000.ts")).isEqualTo(1);
	}

	@Test
	void countsTheSlateSegmentsThatSlideOutAsBreaks() {
		// 23 s on: eleven slate segments have ended, ten are counted, the newest three are listed
		String slate = BackSoon.read(LIVE).continued(END.plusSeconds(23));
		assertThat(lines(slate, "_back-soon_2000.ts")).isEqualTo(3);
		assertThat(slate).contains("#EXT-X-MEDIA-SEQUENCE:50\n")
			// 1, the real break that slid out, and seven slate segments
			.contains("#EXT-X-DISCONTINUITY-SEQUENCE:9\n");
	}

	@Test
	void aWindowThatHasNotSlidYetGrowsInsteadOfSliding() {
		// a session's first playlist: the publisher is still adding to its window, so dropping would put the slate's
		// media sequence ahead of the one the origin answers with when it is back
		String first = LIVE.replace("#EXT-X-MEDIA-SEQUENCE:40", "#EXT-X-MEDIA-SEQUENCE:0")
			.replace("#EXT-X-DISCONTINUITY-SEQUENCE:1", "#EXT-X-DISCONTINUITY-SEQUENCE:0");
		String slate = BackSoon.read(first).continued(END.plusSeconds(23));
		assertThat(slate).contains("#EXT-X-MEDIA-SEQUENCE:0\n", "#EXT-X-DISCONTINUITY-SEQUENCE:0\n", "seg_00040.ts");
		assertThat(lines(slate, "_back-soon_2000.ts")).isEqualTo(10);
		String hours = BackSoon.read(first).continued(END.plus(Duration.ofHours(1)));
		assertThat(hours.lines().filter(line -> line.startsWith("#EXTINF:")).count()).as("up to a bound")
			.isEqualTo(BackSoon.GROWING_WINDOW);
		assertThat(hours).doesNotContain("seg_00040.ts").doesNotContain("#EXT-X-MEDIA-SEQUENCE:0\n");
	}

	@Test
	void dropsTheLowLatencyTagsTheSlateCannotKeep() {
		String lowLatency = LIVE.replace("#EXT-X-VERSION:3", "#EXT-X-VERSION:6\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,"
				+ "PART-HOLD-BACK=1.500\n#EXT-X-PART-INF:PART-TARGET=0.500")
			.replace("seg_00042.ts\n", "seg_00042.ts\n#EXT-X-PART:DURATION=0.500,URI=\"p_000172.ts\",INDEPENDENT=YES\n"
					+ "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"p_000173.ts\"\n#EXT-X-RENDITION-REPORT:URI=\"../240p/index.m3u8\""
					+ ",LAST-MSN=42,LAST-PART=0\n");
		String slate = BackSoon.read(lowLatency).continued(END.plusMillis(100));
		assertThat(slate).contains("#EXT-X-VERSION:6", "seg_00042.ts", "_back-soon_2000.ts")
			.doesNotContain("#EXT-X-PART", "PRELOAD-HINT", "RENDITION-REPORT", "SERVER-CONTROL");
	}

	@Test
	void makesSlateSegmentsAsLongAsTheRealOnesWithinTheTarget() {
		assertThat(BackSoon.read(LIVE.replace("#EXTINF:2.000,\nseg_00042", "#EXTINF:1.96,\nseg_00042")).slateMillis())
			.isEqualTo(2000);
		assertThat(BackSoon.read(LIVE.replace("#EXTINF:2.000,\nseg_00042", "#EXTINF:0.2,\nseg_00042")).slateMillis())
			.isEqualTo(BackSoon.MIN_MILLIS);
		assertThat(BackSoon.SLATE.matcher("/media/x/360p/_back-soon_2000.ts").find()).isTrue();
		assertThat(BackSoon.SLATE.matcher("/media/x/360p/seg_02000.ts").find()).isFalse();
	}

	private static long lines(String playlist, String line) {
		return Arrays.stream(playlist.split("\n")).filter(line::equals).count();
	}

}
