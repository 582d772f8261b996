package dev.keyframe.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.github.kokorin.jaffree.ffmpeg.FFmpegResultFuture;
import com.github.kokorin.jaffree.ffmpeg.UrlInput;
import com.github.kokorin.jaffree.ffmpeg.UrlOutput;

import dev.keyframe.catalog.internal.Assets;
import dev.keyframe.catalog.internal.Languages;
import dev.keyframe.platform.Instance;
import dev.keyframe.platform.MediaProbe;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.platform.Problem;
import dev.keyframe.platform.ScratchDirectory;

/**
 * Text streams the source file carries (an MP4's mov_text, a Matroska file's SubRip or WebVTT) become text tracks
 * of origin {@code EMBEDDED}, once per asset, when it first plays: each is converted to WebVTT by ffmpeg, read by
 * the same strict reader as an upload, and added unless an editor's track of that language and kind is there.
 * Pictures of text (DVD, Blu-ray, DVB subtitles) are left out: WebVTT cannot carry them.
 */
@Component
class EmbeddedTextTracks {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedTextTracks.class);

	/** ISO 639-2 bibliographic codes, which Java does not map: the terminology code's two letters. */
	private final Assets assets;

	private final AssetManagement management;

	private final Captions captions;

	private final MediaProbe probe;

	private final MediaTools tools;

	private final ObjectStorage storage;

	private final Instance instance;

	private final TransactionTemplate tx;

	private final Clock clock;

	EmbeddedTextTracks(Assets assets, AssetManagement management, Captions captions, MediaProbe probe, MediaTools tools,
			ObjectStorage storage, Instance instance, PlatformTransactionManager transactions, Optional<Clock> clock) {
		this.assets = assets;
		this.management = management;
		this.captions = captions;
		this.probe = probe;
		this.tools = tools;
		this.storage = storage;
		this.instance = instance;
		this.tx = new TransactionTemplate(transactions);
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/** A rendition was published: the first time the asset plays, its source's text streams are looked for. */
	@ApplicationModuleListener
	void on(RenditionPublished event) {
		AssetId id = event.asset();
		if (!claim(id)) {
			return;
		}
		Optional<AssetSource> source = management.source(id);
		if (source.isEmpty()) {
			return;
		}
		String url = storage.presignGet(source.get().key(), Duration.ofHours(1));
		java.util.List<MediaProbe.TextStream> streams;
		try {
			streams = probe.textStreams(url);
		}
		catch (RuntimeException ex) {
			log.warn("Could not look for text streams in the source of {}: {}", id, ex.getMessage());
			return;
		}
		for (MediaProbe.TextStream stream : streams) {
			if (!stream.isText()) {
				log.info("Asset {}: text stream {} ({}) is a picture of text; WebVTT cannot carry it", id, stream.index(),
						stream.codec());
				continue;
			}
			try {
				byte[] webVtt = extract(url, stream.index());
				TextTrackKind kind = stream.forHearingImpaired() ? TextTrackKind.CAPTIONS : TextTrackKind.SUBTITLES;
				captions.addEmbedded(id, Languages.fromStream(stream.language()), stream.title(), kind, webVtt)
					.ifPresent(track -> log.info("Asset {}: text stream {} became the track {} ({}, {} cues)", id,
							stream.index(), track.name(), track.language(), track.cueCount()));
			}
			catch (Problem | IllegalStateException ex) {
				log.warn("Asset {}: text stream {} ({}) was not added: {}", id, stream.index(), stream.codec(),
						ex.getMessage());
			}
		}
	}

	/** Whether this call is the asset's one look (it plays, and no look was claimed before). */
	private boolean claim(AssetId id) {
		if (assets.findById(id.value()).map(asset -> asset.textScannedAt() != null).orElse(true)) {
			return false; // looked already (or gone): most publications of an asset end here, without a lock
		}
		return Boolean.TRUE.equals(tx.execute(status -> assets.lockById(id.value())
			.filter(asset -> asset.status() == AssetStatus.PLAYABLE || asset.status() == AssetStatus.READY)
			.filter(asset -> asset.origin() != AssetOrigin.LIVE_STREAM)
			.map(asset -> asset.textScanned(clock.instant()))
			.orElse(false)));
	}

	/** The stream as WebVTT, on the source's timeline from its start, as the renditions are. */
	private byte[] extract(String url, int index) {
		try (ScratchDirectory dir = ScratchDirectory.in(instance, "captions")) {
			Path out = dir.resolve("track.vtt");
			FFmpegResultFuture future = tools.ffmpegInBackground()
				.addInput(UrlInput.fromUrl(url)
					.addArguments("-format_whitelist", MediaTools.INPUT_FORMATS)
					.addArguments("-rw_timeout", "30000000"))
				.addOutput(UrlOutput.toPath(out)
					.addArguments("-map", "0:" + index)
					.addArguments("-c:s", "webvtt")
					.setFormat("webvtt"))
				.setOverwriteOutput(true)
				.executeAsync();
			try {
				future.get(10, TimeUnit.MINUTES);
			}
			catch (TimeoutException ex) {
				future.forceStop();
				throw new IllegalStateException("extracting it took longer than 10 minutes");
			}
			return Files.readAllBytes(out);
		}
		catch (java.io.IOException | java.util.concurrent.ExecutionException ex) {
			throw new IllegalStateException("ffmpeg could not extract it: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

}
