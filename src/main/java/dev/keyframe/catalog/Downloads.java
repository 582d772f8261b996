package dev.keyframe.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.github.kokorin.jaffree.ffmpeg.FFmpegResultFuture;
import com.github.kokorin.jaffree.ffmpeg.UrlInput;
import com.github.kokorin.jaffree.ffmpeg.UrlOutput;

import dev.keyframe.catalog.internal.Asset;
import dev.keyframe.catalog.internal.Assets;
import dev.keyframe.catalog.internal.AudioTrack;
import dev.keyframe.catalog.internal.AudioTracks;
import dev.keyframe.catalog.internal.Rendition;
import dev.keyframe.catalog.internal.Renditions;
import dev.keyframe.platform.Conflict;
import dev.keyframe.platform.Instance;
import dev.keyframe.platform.MediaProbe;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.MediaTypes;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.platform.Packaging;
import dev.keyframe.platform.ScratchDirectory;

/**
 * Downloads: an asset's best rendition as one file a viewer can keep, off by default and turned on per asset. It is
 * an MP4 of the highest video rendition with the default audio (an M4A of the best audio rendition for an audio-only
 * asset), made by remuxing the published segments (no re-encode: seconds for a film) when the asset is ready, or at
 * once when downloads are turned on for one that is. It is stored under the asset's media prefix, so the same signed
 * CDN path and entitlement serve it ({@code Grant#downloadUrl}), with {@code Content-Disposition: attachment} and the
 * asset's title as the file name; deleting the asset or turning downloads off deletes it.
 */
@Service
public class Downloads {

	private static final Logger log = LoggerFactory.getLogger(Downloads.class);

	/** The longest a remux may take: a day-long recording copies in minutes. */
	private static final Duration LIMIT = Duration.ofMinutes(60);

	/** How long a claim on making a download holds unless renewed: the remux renews it every {@link #RENEW}. */
	private static final Duration LEASE = Duration.ofMinutes(2);

	private static final Duration RENEW = Duration.ofSeconds(30);

	private final Assets assets;

	private final Renditions renditions;

	private final AudioTracks audios;

	private final ObjectStorage storage;

	private final MediaTools tools;

	private final MediaProbe probe;

	private final Instance instance;

	private final ApplicationEventPublisher events;

	private final TransactionTemplate tx;

	private final Clock clock;

	Downloads(Assets assets, Renditions renditions, AudioTracks audios, ObjectStorage storage, MediaTools tools,
			MediaProbe probe, Instance instance, ApplicationEventPublisher events, PlatformTransactionManager transactions,
			Optional<Clock> clock) {
		this.assets = assets;
		this.renditions = renditions;
		this.audios = audios;
		this.storage = storage;
		this.tools = tools;
		this.probe = probe;
		this.instance = instance;
		this.events = events;
		this.tx = new TransactionTemplate(transactions);
		this.tx.setPropagationBehavior(org.springframework.transaction.TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/**
	 * Turns an asset's download on (made once it is ready; at once if it is) or off (its file is deleted). Turning
	 * it on again after a failure tries again.
	 * @param editor who asks: someone else's unfinished upload is not there for them; null for an admin
	 * @throws Conflict for a live stream's asset (its recording can be downloaded) or a removed one
	 */
	public DownloadView set(AssetId id, boolean enabled, @Nullable String editor) {
		return tx.execute(status -> {
			Asset asset = assets.lockById(id.value())
				.filter(found -> !found.unfinishedUploadOfAnotherThan(editor))
				.orElseThrow(() -> new AssetNotFound(id));
			if (enabled && asset.origin() == AssetOrigin.LIVE_STREAM) {
				throw new Conflict("A live stream cannot be downloaded while it is live; its recording can be.");
			}
			if (enabled && asset.status() == AssetStatus.REMOVED) {
				throw new Conflict("This asset was removed by a retention rule: there is nothing left to download.");
			}
			if (enabled && asset.downloadError() != null) {
				asset.downloads(false, clock.instant()); // a fresh try
			}
			String dropped = asset.downloads(enabled, clock.instant());
			if (dropped != null) {
				Captions.afterCommit(() -> storage.delete(dropped));
			}
			if (asset.wantsDownload()) {
				events.publishEvent(new DownloadWanted(id));
			}
			return DownloadView.of(asset);
		});
	}

	/** What the file is made of, chosen in one transaction. */
	private record Plan(String title, @Nullable RenditionSpec video, @Nullable RenditionSpec audio) {

		boolean audioOnly() {
			return video == null;
		}

	}

	/**
	 * Makes the asset's download, unless it no longer wants one (turned off, made meanwhile, deleted). One instance
	 * at a time makes it (a claim on the asset's row, renewed as the remux goes); an event that finds another
	 * instance's live claim fails, so the outbox tries it again later and it is made even if that instance dies.
	 * Not in a transaction of its own: the remux takes seconds to minutes, and holds no connection meanwhile.
	 */
	@org.springframework.scheduling.annotation.Async
	@org.springframework.transaction.event.TransactionalEventListener
	void on(DownloadWanted event) {
		AssetId id = event.asset();
		Plan plan = tx.execute(status -> {
			Asset asset = assets.lockById(id.value()).filter(Asset::wantsDownload).orElse(null);
			if (asset == null) {
				return null;
			}
			if (!asset.claimDownload(clock.instant(), LEASE)) {
				throw new IllegalStateException("Asset " + id + ": another instance is making its download; tried again later");
			}
			return plan(asset);
		});
		if (plan == null) {
			return;
		}
		if (plan.video() == null && plan.audio() == null) {
			failed(id, "The asset has no complete rendition to make a download of.");
			return;
		}
		String extension = plan.audioOnly() ? "m4a" : "mp4";
		String key = AssetKeys.mediaPrefix(id) + "download/" + (plan.audioOnly() ? plan.audio() : plan.video()).profile()
				+ "-" + clock.millis() + "." + extension;
		long started = System.nanoTime();
		try (ScratchDirectory dir = ScratchDirectory.in(instance, "downloads")) {
			Path out = dir.resolve("download." + extension);
			remux(id, plan, dir, out);
			long bytes = Files.size(out);
			storage.putLarge(key, out, plan.audioOnly() ? MediaTypes.MP4_AUDIO : MediaTypes.MP4_VIDEO, ObjectStorage.IMMUTABLE,
					disposition(plan.title(), extension));
			// the object no longer wanted: the one this replaces, or this one if the asset went meanwhile
			String drop = tx.execute(status -> {
				Optional<Asset> asset = assets.lockById(id.value());
				return asset.isPresent() ? asset.get().downloadMade(key, bytes, clock.instant()) : key;
			});
			if (drop != null) {
				storage.delete(drop);
			}
			log.info("Asset {}: download {} made in {} ms ({} bytes)", id, key,
					Duration.ofNanos(System.nanoTime() - started).toMillis(), bytes);
		}
		catch (NoLongerWanted ex) {
			log.info("Asset {}: the download was turned off while it was being made", id);
			storage.delete(key);
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Asset {}: the download could not be made: {}", id, ex.getMessage());
			storage.delete(key);
			failed(id, "The download could not be made: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Plan plan(Asset asset) {
		List<RenditionSpec> complete = renditions.findByAssetId(asset.id())
			.stream()
			.map(Rendition::spec)
			.filter(RenditionSpec::complete)
			.toList();
		RenditionSpec video = complete.stream()
			.filter(r -> r.kind() == RenditionKind.VIDEO)
			.max(Comparator.comparingInt(RenditionSpec::height).thenComparingLong(RenditionSpec::bandwidth))
			.orElse(null);
		RenditionSpec audio;
		if (video != null) {
			// the default audio track's rendition; none when the video's segments carry their own audio
			String profile = audios.findByAssetIdOrderByStreamIndexAsc(asset.id())
				.stream()
				.filter(AudioTrack::isDefault)
				.map(a -> AudioGroup.profile(a.streamIndex()))
				.findFirst()
				.orElse(video.audioGroup());
			audio = profile == null ? null
					: complete.stream().filter(r -> r.profile().equals(profile)).findFirst()
						.or(() -> complete.stream().filter(r -> r.profile().equals(video.audioGroup())).findFirst())
						.orElse(null);
		}
		else {
			audio = complete.stream()
				.filter(r -> r.kind() == RenditionKind.AUDIO)
				.max(Comparator.comparingLong(RenditionSpec::bandwidth))
				.orElse(null);
		}
		return new Plan(asset.title(), video, audio);
	}

	/**
	 * Copies the renditions' segments into one file: each rendition is read through a playlist of presigned URLs of
	 * its segments (so nothing is copied to disk first), the audio placed where it plays against the picture (the
	 * two renditions' first segments' timestamps on their shared clock), and the index written first
	 * ({@code faststart}) so a player can start before the file has arrived.
	 */
	private void remux(AssetId id, Plan plan, ScratchDirectory dir, Path out)
			throws IOException, InterruptedException {
		var ffmpeg = tools.ffmpegInBackground().setOverwriteOutput(true);
		UrlOutput output = UrlOutput.toPath(out).setFormat("mp4").addArguments("-c", "copy")
			.addArguments("-movflags", "+faststart");
		int input = 0;
		Double videoStart = null;
		if (plan.video() != null) {
			Source video = source(id, plan.video(), dir);
			videoStart = start(video);
			ffmpeg.addInput(hls(video.playlist()));
			output.addArguments("-map", input + ":v:0");
			if (plan.audio() == null) {
				output.addArguments("-map", input + ":a:0?"); // segments that carry their own audio
			}
			input++;
		}
		if (plan.audio() != null) {
			Source sound = source(id, plan.audio(), dir);
			UrlInput audio = hls(sound.playlist());
			if (videoStart != null) {
				audio.addArguments("-itsoffset", String.format(Locale.ROOT, "%.6f", start(sound) - videoStart));
			}
			ffmpeg.addInput(audio);
			output.addArguments("-map", input + ":a:0");
		}
		FFmpegResultFuture future = ffmpeg.addOutput(output).executeAsync();
		long deadline = System.nanoTime() + LIMIT.toNanos();
		while (true) {
			try {
				future.get(RENEW.toMillis(), TimeUnit.MILLISECONDS);
				return;
			}
			catch (TimeoutException ex) {
				if (System.nanoTime() > deadline) {
					future.forceStop();
					throw new IOException("copying the segments took longer than " + LIMIT.toMinutes() + " minutes");
				}
				Boolean wanted = tx.execute(status -> assets.lockById(id.value())
					.map(asset -> asset.renewDownloadClaim(clock.instant()))
					.orElse(false));
				if (!Boolean.TRUE.equals(wanted)) {
					future.forceStop();
					throw new NoLongerWanted();
				}
			}
			catch (ExecutionException ex) {
				throw new IOException("ffmpeg could not copy the segments (" + ex.getCause().getMessage() + ")", ex);
			}
		}
	}

	/** Downloads were turned off (or the asset deleted) while the remux ran: it stops, and nothing is recorded. */
	private static final class NoLongerWanted extends RuntimeException {

		NoLongerWanted() {
			super("no longer wanted", null, false, false);
		}

	}

	private static UrlInput hls(Path playlist) {
		return UrlInput.fromPath(playlist)
			.setFormat("hls")
			.addArguments("-protocol_whitelist", "file,http,https,tcp,tls,crypto")
			.addArguments("-rw_timeout", "30000000");
	}

	/**
	 * A rendition as ffmpeg reads it: a local playlist of presigned segment URLs, its first segment's key and its
	 * init segment's (CMAF), or null.
	 */
	private record Source(Path playlist, String firstSegment, @Nullable String init) {
	}

	/** Where the rendition's first segment starts on the segments' shared clock, in seconds. */
	private double start(Source source) throws IOException {
		Duration valid = Duration.ofMinutes(10);
		return probe.startSeconds(Packaging.readable(storage.presignGet(source.firstSegment(), valid),
				source.init() == null ? null : storage.presignGet(source.init(), valid)));
	}

	/**
	 * The rendition's playlist, read once from the origin and written to {@code dir} with each segment, and its init
	 * segment, as a presigned URL.
	 */
	private Source source(AssetId id, RenditionSpec rendition, ScratchDirectory dir) throws IOException {
		String prefix = AssetKeys.renditionPrefix(id, rendition.profile());
		String playlist;
		try (var in = storage.open(prefix + "index.m3u8", null)
			.orElseThrow(() -> new IOException("the playlist of " + rendition.profile() + " is missing"))) {
			playlist = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		String init = Packaging.initUri(playlist);
		StringBuilder local = new StringBuilder();
		String first = null;
		for (String line : playlist.split("\n")) {
			String l = line.strip();
			boolean segment = !l.isEmpty() && !l.startsWith("#");
			if (segment && first == null) {
				first = l;
			}
			if (init != null && l.startsWith("#EXT-X-MAP:")) {
				l = "#EXT-X-MAP:URI=\"" + storage.presignGet(prefix + init, LIMIT.plusMinutes(10)) + "\"";
			}
			local.append(segment ? storage.presignGet(prefix + l, LIMIT.plusMinutes(10)) : l).append('\n');
		}
		if (first == null) {
			throw new IOException(rendition.profile() + " lists no segment");
		}
		Path file = dir.resolve(rendition.profile() + ".m3u8");
		Files.writeString(file, local, StandardCharsets.UTF_8);
		return new Source(file, prefix + first, init == null ? null : prefix + init);
	}

	/**
	 * {@code attachment} with the title as the file's name: an ASCII fallback ({@code filename}) and the title
	 * itself ({@code filename*}, RFC 6266 and 8187), so every browser saves it under a name that means something.
	 */
	static String disposition(String title, String extension) {
		String base = title.strip().isEmpty() ? "download" : title.strip();
		String ascii = base.replaceAll("[^A-Za-z0-9 ._()-]", "_").replaceAll("_+", "_");
		if (ascii.length() > 100) {
			ascii = ascii.substring(0, 100);
		}
		if (base.length() > 150) {
			base = base.substring(0, 150);
		}
		String encoded = java.net.URLEncoder.encode(base + "." + extension, StandardCharsets.UTF_8).replace("+", "%20");
		return "attachment; filename=\"" + ascii + "." + extension + "\"; filename*=UTF-8''" + encoded;
	}

	private void failed(AssetId id, String reason) {
		tx.executeWithoutResult(status -> assets.lockById(id.value())
			.ifPresent(asset -> asset.downloadFailed(reason.length() > 1000 ? reason.substring(0, 1000) : reason,
					clock.instant())));
	}

}
