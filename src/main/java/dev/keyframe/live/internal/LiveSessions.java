package dev.keyframe.live.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.NewAsset;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.live.LiveSettings;
import dev.keyframe.live.LiveSettings.Rung;
import dev.keyframe.live.TranscoderLauncher;
import dev.keyframe.live.TranscoderLauncher.Transcoder;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.MediaProbe;
import dev.keyframe.platform.MediaProbeException;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.ObjectStorage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The live sessions this instance runs: a feed with a known stream key opens (or, within the channel's reconnect
 * window, resumes) its channel's session; a feed with an unknown key is refused before anything starts. Watches
 * every session's playlist (manifest age, stale alarm) and records what happens as channel events.
 */
@Component
public class LiveSessions implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(LiveSessions.class);

	private final Channels channels;

	private final Sessions sessions;

	private final LiveEvents events;

	private final AssetManagement assets;

	private final ObjectStorage storage;

	private final MediaTools tools;

	private final MediaProbe probe;

	private final TranscoderLauncher launcher;

	private final LiveSettings settings;

	private final TransactionTemplate tx;

	private final MeterRegistry meters;

	private final Clock clock;

	private final Map<UUID, SessionRun> runs = new ConcurrentHashMap<>();

	private final Map<UUID, AtomicLong> ages = new ConcurrentHashMap<>();

	private final Map<UUID, Long> lastBytes = new ConcurrentHashMap<>();

	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2,
			Thread.ofPlatform().name("live-", 0).daemon().factory());

	LiveSessions(Channels channels, Sessions sessions, LiveEvents events, AssetManagement assets,
			ObjectStorage storage, MediaTools tools, MediaProbe probe, TranscoderLauncher launcher,
			LiveSettings settings, TransactionTemplate tx, MeterRegistry meters, Optional<Clock> clock) {
		this.channels = channels;
		this.sessions = sessions;
		this.events = events;
		this.assets = assets;
		this.storage = storage;
		this.tools = tools;
		this.probe = probe;
		this.launcher = launcher;
		this.settings = settings;
		this.tx = tx;
		this.meters = meters;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/**
	 * A feed arrives with {@code key}.
	 * @throws Refused when the key is unknown (nothing is started) or the channel already has a feed
	 */
	public Feed open(String key, String protocol) {
		Channel channel = channels.findByKeyHash(StreamKeys.hash(key)).orElseThrow(() -> {
			meters.counter("keyframe.live.refused", "reason", "unknown-key").increment();
			return new Refused(403, "Unknown stream key.");
		});
		synchronized (this) {
			Feed feed = new Feed(protocol);
			SessionRun run = runs.get(channel.id());
			if (run != null && !run.ended()) {
				if (!run.reconnecting() || !run.attach(feed)) {
					meters.counter("keyframe.live.refused", "reason", "busy").increment();
					throw new Refused(409, "This channel already has a live feed. One feed at a time.");
				}
				feed.run = run;
				tx.executeWithoutResult(status -> sessions.findById(run.sessionId).ifPresent(s -> s.resumed(protocol)));
				event(run, "RECONNECTED", "The feed came back (" + label(protocol) + "); the session goes on.");
				return feed;
			}
			SessionRun started = start(channel, protocol);
			started.attach(feed);
			feed.run = started;
			runs.put(channel.id(), started);
			return feed;
		}
	}

	private SessionRun start(Channel channel, String protocol) {
		UUID sessionId = UUID.randomUUID();
		String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(clock.instant().atZone(ZoneOffset.UTC));
		AssetId asset = assets.createLive(channel.title() + " \u2014 live " + when + " UTC", "live.m3u8");
		tx.executeWithoutResult(status -> sessions.save(new LiveSession(sessionId, channel.id(), asset.value(),
				protocol, clock.instant())));
		List<Rung> rungs = settings.rungs().stream().filter(r -> channel.ladder().contains(r.name())).toList();
		int listSize = Math.max(settings.windowSegments(),
				(int) Math.ceil(channel.dvrWindowSeconds() / (double) settings.segmentSeconds()));
		SessionRun run = new SessionRun(this, sessionId, channel.id(), asset, channel.title(),
				settings.scratch().resolve(sessionId.toString()), rungs.isEmpty() ? settings.rungs() : rungs,
				channel.rtmpOutputs(), channel.reconnectWindowSeconds(), listSize);
		ages.computeIfAbsent(channel.id(), id -> {
			AtomicLong age = new AtomicLong();
			Gauge.builder("keyframe.live.manifest.age", age, a -> a.get() / 1000.0)
				.description("Now minus the newest segment's program date time, seconds")
				.tag("channel", id.toString())
				.baseUnit("seconds")
				.register(meters);
			return age;
		});
		meters.counter("keyframe.live.sessions").increment();
		event(run, "STARTED", "A feed arrived over " + label(protocol) + "; the session started.");
		log.info("Live session {} of channel {} started ({})", sessionId, channel.id(), protocol);
		return run;
	}

	private static String label(String protocol) {
		return protocol.equals("RTMP") ? "RTMP" : "MPEG-TS over HTTP";
	}

	// what a run asks of its owner

	MediaInfo probe(Path dir, byte[] start) throws IOException {
		Files.createDirectories(dir);
		Path head = dir.resolve("probe.ts");
		Files.write(head, start);
		try {
			return probe.probe(head.toString());
		}
		finally {
			Files.deleteIfExists(head);
		}
	}

	HlsPublisher publisher(SessionRun run, List<Rung> rungs, MediaInfo feed) {
		MediaInfo.Video video = feed.video();
		return new HlsPublisher(storage, run.asset, run.dir, rungs.stream().map(Rung::name).toList(), rendition -> {
			Rung rung = rungs.stream().filter(r -> r.name().equals(rendition)).findFirst().orElseThrow();
			int[] size = size(rung, video);
			long bandwidth = (rung.videoKbps() + (feed.hasAudio() ? rung.audioKbps() : 0)) * 1100L;
			RenditionSpec spec = new RenditionSpec(rung.name(), RenditionKind.VIDEO, size[0], size[1], bandwidth,
					bandwidth * 10 / 11, LiveCommand.codecs(rung, settings.preset(), feed.hasAudio()), "30/1",
					AssetKeys.renditionPrefix(run.asset, rung.name()) + "index.m3u8", 0, 0, List.of());
			assets.publishRendition(run.asset, spec, (candidate, published) -> Optional.empty());
			if (run.publisher() != null && run.publisher().allStarted()) {
				assets.liveStarted(run.asset);
				event(run, "PLAYING", "Every rendition has its first segment: viewers can watch.");
			}
		});
	}

	static int[] size(Rung rung, MediaInfo.@Nullable Video video) {
		if (video == null) {
			return new int[] { rung.shortSide() * 16 / 9, rung.shortSide() };
		}
		int side = rung.shortSide();
		int other = (int) Math.round(side * (double) Math.max(video.width(), video.height())
				/ Math.min(video.width(), video.height()));
		other -= other % 2; // as ffmpeg's scale=-2 rounds
		return video.portrait() ? new int[] { side, other } : new int[] { other, side };
	}

	ScheduledFuture<?> schedulePublishing(Runnable publish) {
		return scheduler.scheduleWithFixedDelay(() -> {
			try {
				publish.run();
			}
			catch (RuntimeException ex) {
				log.warn("Publishing failed: {}", ex.toString());
			}
		}, 200, 200, TimeUnit.MILLISECONDS);
	}

	ScheduledFuture<?> schedule(Runnable task, int seconds) {
		return scheduler.schedule(task, seconds, TimeUnit.SECONDS);
	}

	RtmpOutput rtmpOutput(SessionRun run, String target, boolean copyVideo) {
		return new RtmpOutput(tools.ffmpegPath(), target, copyVideo,
				run.dir.resolve("rtmp-" + Integer.toHexString(target.hashCode()) + ".log"),
				(kind, detail) -> event(run, kind, detail));
	}

	Transcoder launch(SessionRun run, List<Rung> rungs, MediaInfo feed) {
		List<String> command = LiveCommand.command(tools.ffmpegPath(), rungs, feed, settings, run.listSize, run.dir);
		meters.counter("keyframe.live.transcoders").increment();
		return launcher.launch(new TranscoderLauncher.Spec(run.sessionId, command, run.dir));
	}

	void picture(SessionRun run, MediaInfo.Video video) {
		tx.executeWithoutResult(status -> sessions.findById(run.sessionId)
			.ifPresent(s -> s.picture(video.width(), video.height())));
	}

	void restarted(SessionRun run, long pid, int restarts) {
		meters.counter("keyframe.live.transcoder.restarts").increment();
		tx.executeWithoutResult(status -> sessions.findById(run.sessionId).ifPresent(LiveSession::restarted));
		event(run, "TRANSCODER_RESTARTED", "The transcoder (process " + pid + ") died while the feed went on; "
				+ "restart " + restarts + " continues the playlists after a discontinuity.");
	}

	int maxRestarts() {
		return settings.maxRestarts();
	}

	void reconnecting(SessionRun run, String reason) {
		tx.executeWithoutResult(status -> sessions.findById(run.sessionId).ifPresent(LiveSession::reconnecting));
		event(run, "RECONNECTING", reason + "; waiting " + run.reconnectWindowSeconds + " s for the feed to come back.");
	}

	void event(SessionRun run, String kind, String detail) {
		tx.executeWithoutResult(status -> events.save(new LiveEvent(run.channelId, run.sessionId, kind, detail,
				clock.instant())));
	}

	/** The session is over: playlists closed, the live asset marked ended, the recording on its way to VOD. */
	void ended(SessionRun run, String reason, @Nullable HlsPublisher publisher) {
		runs.remove(run.channelId, run);
		AtomicLong age = ages.get(run.channelId);
		if (age != null) {
			age.set(0);
		}
		scheduler.execute(() -> {
			try {
				if (publisher != null) {
					publisher.end();
				}
				assets.liveEnded(run.asset, "The live stream ended.");
				tx.executeWithoutResult(status -> sessions.findById(run.sessionId)
					.ifPresent(s -> s.ended(reason, clock.instant())));
				event(run, "ENDED", reason + ".");
				record(run);
			}
			catch (RuntimeException ex) {
				log.error("Ending live session {} failed", run.sessionId, ex);
			}
			finally {
				delete(run.dir);
			}
		});
	}

	/** The recording becomes a VOD asset through the normal catalog: stored as a source, probed, transcoded. */
	private void record(SessionRun run) {
		Path file = run.dir.resolve("recording.ts");
		try {
			if (!Files.exists(file) || Files.size(file) == 0) {
				return;
			}
			String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(clock.instant().atZone(ZoneOffset.UTC));
			AssetId recording = assets.createRecording(new NewAsset(run.title + " \u2014 recording " + when + " UTC",
					"recording.ts", "video/mp2t", Files.size(file)));
			storage.putLarge(AssetKeys.source(recording), file, "video/mp2t", "private");
			tx.executeWithoutResult(status -> sessions.findById(run.sessionId).ifPresent(s -> s.recorded(recording.value())));
			try {
				assets.uploaded(recording, probe.probe(storage.presignGet(AssetKeys.source(recording), Duration.ofMinutes(30))));
				event(run, "RECORDED", "The recording became a VOD asset and is being transcoded.");
			}
			catch (MediaProbeException ex) {
				assets.failed(recording, ex.getMessage());
				event(run, "RECORDED", "The recording was stored but cannot be read: " + ex.getMessage());
			}
		}
		catch (IOException | RuntimeException ex) {
			log.error("The recording of live session {} could not be stored", run.sessionId, ex);
			event(run, "RECORDING_FAILED", "The recording could not be stored: " + ex.getMessage());
		}
	}

	/** Once a second: each session's manifest age, the stale alarm, and the feed's bitrate. */
	@Scheduled(fixedDelayString = "${keyframe.live.heartbeat:PT1S}")
	void heartbeat() {
		Instant now = clock.instant();
		for (SessionRun run : runs.values()) {
			HlsPublisher publisher = run.publisher();
			Instant newest = publisher == null ? null : publisher.newest();
			Long ageMs = newest == null ? null : Duration.between(newest, now).toMillis();
			AtomicLong gauge = ages.get(run.channelId);
			if (gauge != null && ageMs != null) {
				gauge.set(ageMs);
			}
			long bytes = run.bytes();
			Long previous = lastBytes.put(run.sessionId, bytes);
			Long bitrate = previous == null ? null : (bytes - previous) * 8;
			boolean stale = ageMs != null && !run.reconnecting() && ageMs > settings.staleAfter().toMillis();
			Boolean was = tx.execute(status -> sessions.findById(run.sessionId).map(s -> {
				boolean before = s.stale();
				s.fed(bytes, bitrate, now);
				s.heartbeat(ageMs, stale);
				return before;
			}).orElse(false));
			if (stale && !Boolean.TRUE.equals(was)) {
				meters.counter("keyframe.live.stale").increment();
				event(run, "STALE", "The newest segment is " + ageMs / 1000 + " s old (alarm at "
						+ settings.staleAfter().toSeconds() + " s).");
			}
			else if (!stale && Boolean.TRUE.equals(was)) {
				event(run, "RECOVERED", "Segments are fresh again (" + (ageMs == null ? 0 : ageMs / 1000) + " s).");
			}
		}
	}

	/** Sessions a stopped instance left open are ended: their playlists closed, their channels free again. */
	@EventListener(ApplicationReadyEvent.class)
	void endOrphans() {
		for (LiveSession orphan : sessions.findByStateNot(LiveSession.ENDED)) {
			if (runs.values().stream().anyMatch(r -> r.sessionId.equals(orphan.id()))) {
				continue;
			}
			tx.executeWithoutResult(status -> sessions.findById(orphan.id())
				.ifPresent(s -> s.ended("The instance running it stopped", clock.instant())));
			tx.executeWithoutResult(status -> events.save(new LiveEvent(orphan.channelId(), orphan.id(), "ENDED",
					"The instance running the session stopped; the session was ended.", clock.instant())));
			for (var key : storage.list(AssetKeys.mediaPrefix(new AssetId(orphan.assetId())))) {
				if (key.key().endsWith("/index.m3u8")) {
					storage.open(key.key(), null).ifPresent(in -> {
						try (in) {
							String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
							if (!text.contains("#EXT-X-ENDLIST")) {
								storage.put(key.key(), (text + (text.endsWith("\n") ? "" : "\n") + "#EXT-X-ENDLIST\n")
									.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/vnd.apple.mpegurl",
										HlsPublisher.LIVE_PLAYLIST);
							}
						}
						catch (IOException ex) {
							log.warn("Could not close {}: {}", key.key(), ex.toString());
						}
					});
				}
			}
			assets.liveEnded(new AssetId(orphan.assetId()), "The live stream ended when its instance stopped.");
		}
	}

	/** The run of a channel's current session on this instance, if any (for the channel page and tests). */
	public Optional<RunInfo> running(UUID channelId) {
		SessionRun run = runs.get(channelId);
		if (run == null) {
			return Optional.empty();
		}
		Transcoder transcoder = run.transcoder();
		return Optional.of(new RunInfo(run.sessionId, transcoder == null ? null : transcoder.id(), run.dir,
				run.outputs().stream().map(o -> new RunInfo.Output(o.redacted(), o.up(), o.pid())).toList()));
	}

	/** Kills the transcoder of a channel's session, as if it crashed (for tests and drills). */
	public boolean killTranscoder(UUID channelId) {
		SessionRun run = runs.get(channelId);
		Transcoder transcoder = run == null ? null : run.transcoder();
		if (transcoder == null) {
			return false;
		}
		transcoder.kill();
		return true;
	}

	@Override
	public void destroy() {
		for (SessionRun run : List.copyOf(runs.values())) {
			run.endNow("The instance is stopping");
		}
		scheduler.shutdown();
		try {
			scheduler.awaitTermination(20, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void delete(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
		}
		catch (IOException ex) {
			log.warn("Could not delete {}: {}", dir, ex.toString());
		}
	}

	/**
	 * What this instance runs for a session.
	 *
	 * @param transcoder the transcoder's process id, null between transcoders
	 */
	public record RunInfo(UUID session, @Nullable Long transcoder, Path workDir, List<Output> outputs) {

		public record Output(String target, boolean up, @Nullable Long pid) {
		}

	}

	/** An ingest connection: write the feed's bytes, then close it with why it ended. */
	public final class Feed {

		private final String protocol;

		private @Nullable SessionRun run;

		private Feed(String protocol) {
			this.protocol = protocol;
		}

		public void write(byte[] chunk, int length) throws IOException {
			SessionRun current = run;
			if (current == null) {
				throw new IOException("The feed is not attached.");
			}
			current.write(this, chunk, length);
		}

		public void close(String reason) {
			SessionRun current = run;
			if (current != null) {
				current.detach(this, reason);
			}
		}

		public UUID session() {
			SessionRun current = run;
			return current == null ? new UUID(0, 0) : current.sessionId;
		}

		public String protocol() {
			return protocol;
		}

	}

	/** A feed that is not let in; {@code status} is the HTTP answer. */
	public static final class Refused extends RuntimeException {

		private final int status;

		public Refused(int status, String message) {
			super(message, null, false, false);
			this.status = status;
		}

		public int status() {
			return status;
		}

	}

}
