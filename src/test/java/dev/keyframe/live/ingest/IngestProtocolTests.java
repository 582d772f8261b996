package dev.keyframe.live.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.convert.support.DefaultConversionService;

import dev.keyframe.live.IngestUrl;
import dev.keyframe.live.LiveSettings;
import dev.keyframe.live.internal.StreamKeys;
import dev.keyframe.platform.Rung;

/** What each ingest protocol tells a broadcaster to paste, from the settings alone (every role shows it). */
class IngestProtocolTests {

	private static final Map<String, String> SETTINGS = Map.of("keyframe.live.ingest-url", "http://live.example:19350",
			"keyframe.live.rtmp.url", "rtmp://live.example:19351/live", "keyframe.live.srt.url",
			"srt://live.example:19352");

	private final LiveSettings settings = bind(SETTINGS);

	@Test
	void eachProtocolSaysWhatToPasteForAKey() {
		List<IngestProtocol> protocols = List.of(new HttpIngest(settings), new RtmpFront(settings, null, null),
				new SrtIngest(settings));
		assertThat(protocols).extracting(p -> p.url("live_abc", "pass1234567890"))
			.containsExactly(new IngestUrl("HTTP_TS", "MPEG-TS over HTTP", "http://live.example:19350/ingest/live_abc", null),
					new IngestUrl("RTMP", "RTMP (OBS)", "rtmp://live.example:19351/live", "live_abc"),
					new IngestUrl("SRT", "SRT", "srt://live.example:19352?streamid=live_abc&passphrase=pass1234567890",
							null));
	}

	@Test
	void srtIsOnByDefaultOnItsOwnPort() {
		LiveSettings defaults = bind(Map.of());
		assertThat(defaults.srt().port()).isEqualTo(19352);
		assertThat(new SrtIngest(defaults).enabled()).isTrue();
		assertThat(new SrtIngest(defaults).port()).as("not listening before it starts").isEqualTo(-1);
	}

	@Test
	void withoutLibsrtSrtIngestStaysOffAndSaysSo() throws Exception {
		SrtIngest srt = new SrtIngest(bind(Map.of("keyframe.live.srt.library", "libsrt-not-here.so.0")));
		srt.start(null); // returns before it would take a feed
		assertThat(srt.port()).isEqualTo(-1);
		srt.stop();
	}

	/** The settings as the application binds them ({@link Rung}s from their text), defaults and all. */
	private static LiveSettings bind(Map<String, String> properties) {
		DefaultConversionService conversions = new DefaultConversionService();
		conversions.addConverter(String.class, Rung.class, Rung::parse);
		return new Binder(List.of(new MapConfigurationPropertySource(properties)), null, conversions)
			.bindOrCreate("keyframe.live", LiveSettings.class);
	}

	@Test
	void aPassphraseIsWhatSrtTakesAndSafeInAUrl() {
		String passphrase = StreamKeys.passphrase();
		assertThat(passphrase).hasSizeBetween(24, 79).matches("[A-Za-z0-9]+");
		assertThat(StreamKeys.passphrase()).isNotEqualTo(passphrase);
	}

}
