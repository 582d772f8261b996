package dev.keyframe.catalog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.catalog.TextTrackKind;
import dev.keyframe.platform.Packaging;

class DashManifestTests {

	private static final List<Double> STARTS = List.of(0.0, 4.0, 8.0, 12.0, 16.0, 20.0);

	private static RenditionSpec video(String profile, int width, int height, long bandwidth, String codecs) {
		return new RenditionSpec(profile, RenditionKind.VIDEO, width, height, bandwidth, bandwidth - 1000, codecs,
				"30000/1001", "media/x/" + profile + "/index.m3u8", 6, 1000, STARTS, true, "audio", Packaging.CMAF, 21.0);
	}

	private static RenditionSpec audio(String profile, String group, List<Double> starts, double duration) {
		return new RenditionSpec(profile, RenditionKind.AUDIO, 0, 0, 130_000, 128_000, "mp4a.40.2", null,
				"media/x/" + profile + "/index.m3u8", starts.size(), 100, starts, true, group, Packaging.CMAF, duration);
	}

	private static Manifest.Listing listing(List<RenditionSpec> renditions) {
		return new Manifest.Listing(renditions, List.of(), List.of());
	}

	@Test
	void aStaticPresentationOfTheSameSegmentsOnOneTimelinePerRendition() {
		String mpd = DashManifest.mpd(listing(List.of(video("360p", 640, 360, 900_000, "avc1.64001e"),
				video("240p", 426, 240, 400_000, "avc1.640015"), audio("audio", null, STARTS, 21.0))));

		assertThat(mpd).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\"")
			.contains("type=\"static\" mediaPresentationDuration=\"PT21.000S\" minBufferTime=\"PT4S\"");
		assertThat(flat(mpd)).contains(flat("""
					    <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1" maxWidth="640" maxHeight="360">
					      <Representation id="240p" bandwidth="400000" width="426" height="240" frameRate="30000/1001" sar="1:1" codecs="avc1.640015">
					        <SegmentTemplate timescale="90000" presentationTimeOffset="900000" initialization="240p/init.mp4" media="240p/seg_$Number%05d$.m4s" startNumber="0">
					          <SegmentTimeline>
					            <S t="900000" d="360000" r="4"/>
					            <S d="90000"/>
					          </SegmentTimeline>
					        </SegmentTemplate>
					      </Representation>
					      <Representation id="360p" bandwidth="900000\""""))
			.contains(flat("""
					    <AdaptationSet id="1" contentType="audio" mimeType="audio/mp4" segmentAlignment="true" startWithSAP="1" selectionPriority="2">
					      <Role schemeIdUri="urn:mpeg:dash:role:2011" value="main"/>
					      <Representation id="audio" bandwidth="130000" codecs="mp4a.40.2" audioSamplingRate="48000">
					        <AudioChannelConfiguration schemeIdUri="urn:mpeg:mpegB:cicp:ChannelConfiguration" value="2"/>
					        <SegmentTemplate timescale="90000" presentationTimeOffset="900000" initialization="audio/init.mp4\""""));
		Document document = parse(mpd);
		assertThat(document.getElementsByTagName("Representation").getLength()).isEqualTo(3);
		assertThat(document.getElementsByTagName("Period").getLength()).isEqualTo(1);
	}

	@Test
	void segmentStartsAreRoundedWhereTheyAreSoNoErrorAddsUpAlongAFilm() {
		// 1000 segments of 2.002 s (60000/1001 fps, 120 frames): each start rounds on its own
		List<Double> starts = new java.util.ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			starts.add(i * 120 * 1001 / 60_000.0);
		}
		double duration = 1000 * 120 * 1001 / 60_000.0;
		Element template = (Element) parse(DashManifest.mpd(listing(List.of(audio("audio", null, starts, duration)))))
			.getElementsByTagName("SegmentTimeline").item(0);
		NodeList entries = template.getElementsByTagName("S");
		long t = Long.parseLong(((Element) entries.item(0)).getAttribute("t"));
		long count = 0;
		for (int i = 0; i < entries.getLength(); i++) {
			Element s = (Element) entries.item(i);
			long repeat = s.hasAttribute("r") ? Long.parseLong(s.getAttribute("r")) : 0;
			t += (repeat + 1) * Long.parseLong(s.getAttribute("d"));
			count += repeat + 1;
		}
		assertThat(count).isEqualTo(1000);
		assertThat(t).as("the timeline ends where the rendition does").isEqualTo(900_000 + Math.round(duration * 90_000));
	}

	@Test
	void eachLanguageIsAnAdaptationSetWithItsNameAndTheDefaultIsMain() {
		Manifest.Listing listing = new Manifest.Listing(
				List.of(video("360p", 640, 360, 900_000, "avc1.64001e"), audio("audio", "audio", STARTS, 21.0),
						audio("audio-1", "audio", STARTS, 21.0)),
				List.of(new MasterPlaylist.Audio("audio", "en", "English", false),
						new MasterPlaylist.Audio("audio-1", "fr", "Fran\u00e7ais <VF> & \"co\"", true)),
				List.of(new MasterPlaylist.Text("de", "Deutsch", TextTrackKind.CAPTIONS, true, "text/a-r1/index.m3u8",
						"text/a-r1/captions.vtt")));

		Document document = parse(DashManifest.mpd(listing));

		NodeList sets = document.getElementsByTagName("AdaptationSet");
		assertThat(sets.getLength()).isEqualTo(4);
		Element french = (Element) sets.item(1);
		Element english = (Element) sets.item(2);
		assertThat(english.getAttribute("lang")).isEqualTo("en");
		assertThat(role(english)).isEqualTo("alternate");
		assertThat(french.getAttribute("lang")).isEqualTo("fr");
		assertThat(role(french)).as("the default, first").isEqualTo("main");
		assertThat(french.getAttribute("selectionPriority")).isEqualTo("2");
		assertThat(english.getAttribute("selectionPriority")).isEqualTo("1");
		assertThat(french.getElementsByTagName("Label").item(0).getTextContent()).isEqualTo("Fran\u00e7ais <VF> & \"co\"");
		Element text = (Element) sets.item(3);
		assertThat(text.getAttribute("contentType")).isEqualTo("text");
		assertThat(text.getAttribute("mimeType")).isEqualTo("text/vtt");
		assertThat(text.getAttribute("lang")).isEqualTo("de");
		assertThat(role(text)).isEqualTo("caption");
		assertThat(text.getElementsByTagName("BaseURL").item(0).getTextContent()).isEqualTo("text/a-r1/captions.vtt");
	}

	@Test
	void anAudioOnlyAssetsBitratesAreOneAdaptationSet() {
		Document document = parse(DashManifest.mpd(listing(List.of(audio("audio-64k", null, STARTS, 21.0),
				audio("audio-128k", null, STARTS, 21.0)))));

		assertThat(document.getElementsByTagName("AdaptationSet").getLength()).isEqualTo(1);
		assertThat(document.getElementsByTagName("Representation").getLength()).isEqualTo(2);
	}

	@Test
	void offeredOnlyForCompleteCmafOfAKnownLength() {
		RenditionSpec cmaf = video("360p", 640, 360, 900_000, "avc1.64001e");
		RenditionSpec growing = new RenditionSpec("240p", RenditionKind.VIDEO, 426, 240, 1, 1, "avc1.640015", "30",
				"k", 6, 1, STARTS, false, "audio", Packaging.CMAF, 21.0);
		RenditionSpec ts = new RenditionSpec("240p", RenditionKind.VIDEO, 426, 240, 1, 1, "avc1.640015", "30", "k", 6,
				1, STARTS, true, "audio", Packaging.TS, 21.0);
		RenditionSpec unknownLength = new RenditionSpec("240p", RenditionKind.VIDEO, 426, 240, 1, 1, "avc1.640015",
				"30", "k", 6, 1, STARTS, true, "audio", Packaging.CMAF, 0);
		DashManifest dash = new DashManifest();

		assertThat(dash.write(listing(List.of(cmaf)))).isPresent();
		assertThat(DashManifest.offers(List.of(cmaf, growing))).as("still encoding: HLS plays it as it grows").isFalse();
		assertThat(DashManifest.offers(List.of(cmaf, ts))).as("MPEG-TS is not DASH").isFalse();
		assertThat(DashManifest.offers(List.of(cmaf, unknownLength))).as("published before lengths were kept").isFalse();
		assertThat(dash.write(listing(List.of()))).isEmpty();
		assertThat(dash.mayBeStored(listing(List.of(growing)))).as("nothing complete: no MPD was ever written").isFalse();
		assertThat(dash.mayBeStored(listing(List.of(cmaf, ts)))).isTrue();
	}

	/** The lines without their indentation. */
	private static String flat(String xml) {
		return xml.replaceAll("(?m)^\\s+", "");
	}

	private static String role(Element set) {
		return ((Element) set.getElementsByTagName("Role").item(0)).getAttribute("value");
	}

	static Document parse(String xml) {
		try {
			DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
			factory.setNamespaceAware(true);
			return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
		}
		catch (Exception e) {
			throw new AssertionError("Not well-formed XML: " + xml, e);
		}
	}

}
