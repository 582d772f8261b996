package dev.keyframe.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.keyframe.platform.Invalid;

class CueFileTests {

	private static CueFile parse(String text) {
		return CueFile.parse(text.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void aSubRipFileBecomesWebVttWithItsMarkupWhereWebVttHasIt() {
		CueFile file = parse("\uFEFF1\r\n00:00:01,000 --> 00:00:03,500\r\n<i>Hello</i> <font color=\"red\">there</font>\r\n"
				+ "\r\n2\r\n00:00:04,250 --> 00:00:06,000 X1:10 X2:20\r\n{\\an8}Fish & chips <3\r\nsecond line\r\n\r\n");

		assertThat(file.format()).isEqualTo(CueFile.Format.SUBRIP);
		assertThat(file.cues()).hasSize(2);
		assertThat(file.endMs()).isEqualTo(6000);
		assertThat(file.webVtt()).isEqualTo("""
				WEBVTT

				00:00:01.000 --> 00:00:03.500
				<i>Hello</i> there

				00:00:04.250 --> 00:00:06.000
				Fish &amp; chips &lt;3
				second line

				""");
	}

	@Test
	void aWebVttFileKeepsItsCueSettingsAndDropsItsNotesAndStyles() {
		CueFile file = parse("""
				WEBVTT - a film

				NOTE written by hand
				over two lines

				STYLE
				::cue { color: yellow }

				intro
				00:01.000 --> 00:02.000 align:start line:0 bogus:1
				<v Anna>Hi</v>

				01:00:00.000 --> 01:00:02.000
				Later
				""");

		assertThat(file.format()).isEqualTo(CueFile.Format.WEBVTT);
		assertThat(file.cues()).extracting(CueFile.Cue::startMs).containsExactly(1000L, 3_600_000L);
		assertThat(file.cues().getFirst().settings()).isEqualTo("align:start line:0");
		assertThat(file.cues().getFirst().text()).isEqualTo("<v Anna>Hi</v>");
		assertThat(file.cues().getFirst().line()).isEqualTo(10);
	}

	@Test
	void aSegmentHoldsTheCuesShownInItAndMapsTheirClockOntoTheMedia() {
		CueFile file = parse("1\n00:00:29,000 --> 00:00:31,000\nacross\n\n2\n00:00:40,000 --> 00:00:41,000\nlater\n");

		String first = file.segment(126_000, 0, 30_000);
		String second = file.segment(126_000, 30_000, 60_000);

		assertThat(first).startsWith("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n\n").contains("across")
			.doesNotContain("later");
		assertThat(second).contains("across", "later");
		assertThat(file.segment(126_000, 60_000, 90_000)).doesNotContain("-->");
	}

	@Test
	void cuesOutOfOrderAreSortedByTheirStart() {
		CueFile file = parse("2\n00:00:05,000 --> 00:00:06,000\nsecond\n\n1\n00:00:01,000 --> 00:00:02,000\nfirst\n");

		assertThat(file.cues()).extracting(CueFile.Cue::text).containsExactly("first", "second");
	}

	@Test
	void aBrokenFileIsRefusedWithTheLineThatIsWrong() {
		assertThatThrownBy(() -> parse("1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 -> 00:00:04,000\nbroken\n"))
			.isInstanceOf(Invalid.class)
			.hasMessageStartingWith("Line 6: expected a time range like 00:00:01,000 --> 00:00:03,500");
		assertThatThrownBy(() -> parse("1\n00:00:05,000 --> 00:00:02,000\nbackwards\n")).isInstanceOf(Invalid.class)
			.hasMessage("Line 2: the cue ends (00:00:02.000) before it starts (00:00:05.000).");
		assertThatThrownBy(() -> parse("1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:75:00,000 --> 00:76:00,000\nx\n"))
			.isInstanceOf(Invalid.class)
			.hasMessageStartingWith("Line 6: 00:75:00 is not a time");
		assertThatThrownBy(() -> parse("WEBVTT\n\n00:01.000 --> 00:02.000\none\n00:02.000 --> 00:03.000\ntwo\n"))
			.isInstanceOf(Invalid.class)
			.hasMessageStartingWith("Line 5: a cue's text cannot hold");
		assertThatThrownBy(() -> parse("WEBVTT\n\nintro\n00:01 --> 00:02\n")).isInstanceOf(Invalid.class)
			.hasMessageStartingWith("Line 4: expected a cue timing like 00:01.000 --> 00:04.000");
		assertThatThrownBy(() -> parse("Hello, this is a letter\n")).isInstanceOf(Invalid.class)
			.hasMessageStartingWith("Line 1: a WebVTT file starts with WEBVTT");
		assertThatThrownBy(() -> parse("\n\n  \n")).isInstanceOf(Invalid.class).hasMessageContaining("empty");
		assertThatThrownBy(() -> parse("WEBVTT\n\nNOTE nothing else\n")).isInstanceOf(Invalid.class)
			.hasMessageContaining("no cues");
	}

	@Test
	void aFileInAnotherEncodingOrNotTextAtAllIsRefused() {
		byte[] latin1 = "1\n00:00:01,000 --> 00:00:02,000\nCaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
		assertThatThrownBy(() -> CueFile.parse(latin1)).isInstanceOf(Invalid.class)
			.hasMessage("Line 3 is not UTF-8 text: save the file as UTF-8 (Unicode) and upload it again.");
		byte[] mp4 = { 0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm' };
		assertThatThrownBy(() -> CueFile.parse(mp4)).isInstanceOf(Invalid.class).hasMessageContaining("not a text file");
	}

}
