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

		assertThat(MasterPlaylist.write(MasterPlaylist.listed(List.of(audio), false))).contains("BANDWIDTH=70000,AVERAGE-BANDWIDTH=68000,CODECS=\"mp4a.40.2\"")
			.doesNotContain("RESOLUTION");
	}

	@Test
	void videoMadeWithoutAudioIsListedWithItsAudioGroupOnceThatIsPublished() {
		RenditionSpec low = new RenditionSpec("360p", RenditionKind.VIDEO, 640, 360, 900_000, 800_000, "avc1.64001e",
				"30", "k", 2, 100, List.of(0.0, 4.0), false, "audio");
		RenditionSpec high = new RenditionSpec("720p", RenditionKind.VIDEO, 1280, 720, 3_000_000, 2_800_000,
				"avc1.64001f", "30", "k", 1, 100, List.of(0.0), false, "audio");
		RenditionSpec audio = new RenditionSpec("audio", RenditionKind.AUDIO, 0, 0, 130_000, 128_000, "mp4a.40.2", null,
				"k", 2, 100, List.of(0.0, 4.0), false, null);

		assertThat(MasterPlaylist.listed(List.of(low), true)).as("no audio yet: nothing plays").isEmpty();
		assertThat(MasterPlaylist.listed(List.of(audio), true)).as("the sound of a video alone: nothing plays")
			.isEmpty();
		assertThat(MasterPlaylist.write(MasterPlaylist.listed(List.of(low, high, audio), true))).isEqualTo("""
				#EXTM3U
				#EXT-X-VERSION:4
				#EXT-X-INDEPENDENT-SEGMENTS
				#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Main",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"
				#EXT-X-STREAM-INF:BANDWIDTH=1030000,AVERAGE-BANDWIDTH=928000,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS="avc1.64001e,mp4a.40.2",AUDIO="audio"
				360p/index.m3u8
				#EXT-X-STREAM-INF:BANDWIDTH=3130000,AVERAGE-BANDWIDTH=2928000,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2",AUDIO="audio"
				720p/index.m3u8
				""");
		RenditionSpec lowDone = new RenditionSpec("360p", RenditionKind.VIDEO, 640, 360, 900_000, 800_000,
				"avc1.64001e", "30", "k", 5, 100, List.of(0.0, 4.0), true, "audio");
		assertThat(MasterPlaylist.listed(List.of(lowDone, high, audio), true)).as("once one is complete, only complete ones")
			.extracting(RenditionSpec::profile).containsExactly("360p", "audio");
	}

	@Test
	void textTracksAreOneSubtitlesGroupEveryVariantNamesWithUniqueNames() {
		String master = MasterPlaylist.write(List.of(video("360p", 640, 360, 900_000)), List.of(
				new MasterPlaylist.Text("en", "English", dev.keyframe.catalog.TextTrackKind.SUBTITLES, true, "text/a-r1/index.m3u8",
						"text/a-r1/captions.vtt"),
				new MasterPlaylist.Text("en", "English", dev.keyframe.catalog.TextTrackKind.CAPTIONS, false, "text/b-r2/index.m3u8",
						"text/b-r2/captions.vtt"),
				new MasterPlaylist.Text("fr", "Fran\u00e7ais \"VF\"", dev.keyframe.catalog.TextTrackKind.SUBTITLES, false,
						"text/c-r1/index.m3u8", "text/c-r1/captions.vtt")));

		assertThat(master).startsWith("#EXTM3U\n#EXT-X-VERSION:4\n")
			.contains("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"text\",NAME=\"English\",LANGUAGE=\"en\",DEFAULT=YES,"
					+ "AUTOSELECT=YES,FORCED=NO,URI=\"text/a-r1/index.m3u8\"\n")
			.contains("NAME=\"English (en, CC)\",LANGUAGE=\"en\",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,CHARACTERISTICS=")
			.contains("NAME=\"Fran\u00e7ais VF\"")
			.contains("CODECS=\"avc1.64001f,mp4a.40.2\",SUBTITLES=\"text\"\n360p/index.m3u8");
		assertThat(MasterPlaylist.write(List.of(video("360p", 640, 360, 900_000)), List.of()))
			.as("no text tracks, no group").doesNotContain("SUBTITLES");
	}

	/**
	 * A source with several audio streams: one group every variant names, the editor's default first, each with its
	 * language; a rendition not published yet is not listed, and the variant's peak counts the group's largest.
	 */
	@Test
	void everyAudioStreamIsARenditionOfOneGroupWithItsLanguageAndTheDefaultFirst() {
		RenditionSpec low = new RenditionSpec("360p", RenditionKind.VIDEO, 640, 360, 900_000, 800_000, "avc1.64001e",
				"30", "k", 2, 100, List.of(0.0, 4.0), true, "audio");
		RenditionSpec english = new RenditionSpec("audio", RenditionKind.AUDIO, 0, 0, 130_000, 128_000, "mp4a.40.2",
				null, "k", 2, 100, List.of(0.0, 4.0), true, "audio");
		RenditionSpec german = new RenditionSpec("audio-1", RenditionKind.AUDIO, 0, 0, 140_000, 127_000, "mp4a.40.2",
				null, "k", 2, 100, List.of(0.0, 4.0), true, "audio");
		RenditionSpec french = new RenditionSpec("audio-2", RenditionKind.AUDIO, 0, 0, 135_000, 127_000, "mp4a.40.2",
				null, "k", 2, 100, List.of(0.0, 4.0), false, "audio");
		List<MasterPlaylist.Audio> labels = List.of(new MasterPlaylist.Audio("audio", "en", "English", false),
				new MasterPlaylist.Audio("audio-1", "de", "Deutsch", true),
				new MasterPlaylist.Audio("audio-2", "und", "Deutsch", false));

		assertThat(MasterPlaylist.listed(List.of(low, german), true)).as("the group's first stream is not there yet")
			.isEmpty();
		List<RenditionSpec> listed = MasterPlaylist.listed(List.of(low, german, english, french), true);
		assertThat(listed).containsExactly(low, english, german, french);
		assertThat(MasterPlaylist.write(listed, labels, List.of())).isEqualTo("""
				#EXTM3U
				#EXT-X-VERSION:4
				#EXT-X-INDEPENDENT-SEGMENTS
				#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="de",NAME="Deutsch",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio-1/index.m3u8"
				#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"
				#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Deutsch (audio-2)",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio-2/index.m3u8"
				#EXT-X-STREAM-INF:BANDWIDTH=1040000,AVERAGE-BANDWIDTH=927000,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS="avc1.64001e,mp4a.40.2",AUDIO="audio"
				360p/index.m3u8
				""");
		// no editor's default: the first stream's rendition is the group's
		assertThat(MasterPlaylist.write(listed, List.of(new MasterPlaylist.Audio("audio-1", "de", "Deutsch", false)),
				List.of())).contains("NAME=\"audio\",DEFAULT=YES", "NAME=\"Deutsch\",DEFAULT=NO", "NAME=\"audio-2\",DEFAULT=NO");
	}

}
