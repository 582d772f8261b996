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
import java.util.Set;
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

	/** This instance, as session rows name their owner. */
	static final String INSTANCE = java.lang.management.ManagementFactory.getRuntimeMXBean().getName() + "/"
			+ UUID.randomUUID().toString().substring(0, 8);

	/** A session whose heartbeat is older than this lost the instance that ran it. */
	private static final Duration LEASE = Duration.ofSeconds(30);

	private final Map<UUID, Object> locks = new ConcurrentHashMap<>();

	/** Ends in progress (closing playlists, storing recordings): waited for when the instance stops. */
	private final Set<Thread> finishing = ConcurrentHashMap.newKeySet();

	/** Publishing rounds only; anything longer runs on a virtual thread of its own. */
	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2,
			Thread.ofPlatform().name("live-publish-", 0).daemon().factory());

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
		if (!settings.enabled()) {
			throw new Refused(503, "This instance does not take live feeds.");
		}
		Channel channel = channels.findByKeyHash(StreamKeys.hash(key)).orElseThrow(() -> {
			meters.counter("keyframe.live.refused", "reason", "unknown-key").increment();
			return new Refused(403, "Unknown stream key.");
		});
		synchronized (locks.computeIfAbsent(channel.id(), id -> new Object())) {
			Feed feed = new Feed(protocol);
			SessionRun run = runs.get(channel.id());
			if (run != null && !run.ended()) {
				if (!run.attach(feed)) {
					meters.counter("keyframe.live.refused", "reason", "busy").increment();
					throw new Refused(409, run.reconnecting() ? "The last connection is closing; retry in a moment."
							: "This channel already has a live feed. One feed at a time.");
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
		AssetId asset;
		try {
			// one transaction: a session another instance runs for this channel (the unique index) leaves nothing
			asset = tx.execute(status -> {
				AssetId created = assets.createLive(channel.title() + " \u2014 live " + when + " UTC", "live.m3u8");
				sessions.saveAndFlush(new LiveSession(sessionId, channel.id(), created.value(), protocol, INSTANCE,
						clock.instant()));
				return created;
			});
		}
		catch (org.springframework.dao.DataIntegrityViolationException ex) {
			meters.counter("keyframe.live.refused", "reason", "busy").increment();
			throw new Refused(409, "This channel is live on another instance. One feed at a time.");
		}
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
			int[] size = LiveCommand.size(rung, video);
			long bandwidth = (rung.videoKbps() + (feed.hasAudio() ? rung.audioKbps() : 0)) * 1100L;
			RenditionSpec spec = new RenditionSpec(rung.name(), RenditionKind.VIDEO, size[0], size[1], bandwidth,
					bandwidth * 10 / 11, LiveCommand.codecs(rung, video, settings.preset(), feed.hasAudio()), "30/1",
					AssetKeys.renditionPrefix(run.asset, rung.name()) + "index.m3u8", 0, 0, List.of());
			assets.publishRendition(run.asset, spec, (candidate, published) -> Optional.empty());
			if (run.publisher() != null && run.publisher().allStarted()) {
				assets.liveStarted(run.asset);
				event(run, "PLAYING", "Every rendition has its first segment: viewers can watch.");
			}
		});
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
		return scheduler.schedule(() -> Thread.ofVirtual().name("live-timer").start(task), seconds, TimeUnit.SECONDS);
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
		event(run.channelId, run.sessionId, kind, detail);
	}

	private void event(UUID channelId, UUID sessionId, String kind, String detail) {
		tx.executeWithoutResult(status -> events.save(new LiveEvent(channelId, sessionId, kind, detail, clock.instant())));
	}

	/** Ends the run on a thread of its own (for callers that hold the run's monitor). */
	void endLater(SessionRun run, String reason) {
		Thread.ofVirtual().name("live-end").start(() -> run.endNow(reason));
	}

	/**
	 * The session is over. Its row says so before the channel is free again (a new feed starts a new session at
	 * once); then, in the background, the playlists are closed, the live asset marked ended, and the recording sent
	 * on its way to VOD.
	 */
	void ended(SessionRun run, String reason, @Nullable HlsPublisher publisher) {
		try {
			tx.executeWithoutResult(status -> sessions.findById(run.sessionId)
				.ifPresent(s -> s.ended(reason, clock.instant())));
		}
		finally {
			runs.remove(run.channelId, run);
			lastBytes.remove(run.sessionId);
			AtomicLong age = ages.get(run.channelId);
			if (age != null) {
				age.set(0);
			}
		}
		Thread end = Thread.ofVirtual().name("live-finish").unstarted(() -> {
			try {
				if (publisher != null) {
					publisher.end();
				}
				assets.liveEnded(new AssetId(run.asset.value()), "The live stream ended.");
				event(run, "ENDED", reason + ".");
				record(run);
			}
			catch (RuntimeException ex) {
				log.error("Ending live session {} failed", run.sessionId, ex);
			}
			finally {
				delete(run.dir);
				finishing.remove(Thread.currentThread());
			}
		});
		finishing.add(end);
		end.start();
	}

	/** The recording becomes a VOD asset through the normal catalog: stored as a source, probed, transcoded. */
	private void record(SessionRun run) {
		record(run.sessionId, run.channelId, run.title, run.dir);
	}

	private void record(UUID sessionId, UUID channelId, String title, Path dir) {
		Path file = dir.resolve("recording.ts");
		AssetId recording = null;
		try {
			if (!Files.exists(file) || Files.size(file) == 0) {
				return;
			}
			String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(clock.instant().atZone(ZoneOffset.UTC));
			AssetId created = assets.createRecording(new NewAsset(title + " \u2014 recording " + when + " UTC",
					"recording.ts", "video/mp2t", Files.size(file)));
			recording = created;
			storage.putLarge(AssetKeys.source(created), file, "video/mp2t", "private");
			tx.executeWithoutResult(status -> sessions.findById(sessionId).ifPresent(s -> s.recorded(created.value())));
			try {
				assets.uploaded(created, probe.probe(storage.presignGet(AssetKeys.source(created), Duration.ofMinutes(30))));
				event(channelId, sessionId, "RECORDED", "The recording became a VOD asset and is being transcoded.");
			}
			catch (MediaProbeException ex) {
				assets.failed(created, ex.getMessage());
				event(channelId, sessionId, "RECORDED", "The recording was stored but cannot be read: " + ex.getMessage());
			}
		}
		catch (IOException | RuntimeException ex) {
			log.error("The recording of live session {} could not be stored", sessionId, ex);
			if (recording != null) {
				assets.failed(recording, "The recording of the live session could not be stored: " + ex.getMessage());
			}
			event(channelId, sessionId, "RECORDING_FAILED", "The recording could not be stored: " + ex.getMessage());
		}
	}

	/** Once a second: each session's manifest age, the stale alarm, and the feed's bitrate. */
	@Scheduled(fixedDelayString = "${keyframe.live.heartbeat:PT1S}")
	void heartbeat() {
		Instant now = clock.instant();
		for (SessionRun run : runs.values()) {
			HlsPublisher publisher = run.publisher();
			Instant newest = publisher == null ? null : publisher.newest();
			// ffmpeg's program date times run from its own start; a transcoder catching up on buffered bytes can
			// stamp a segment slightly ahead of the wall clock: that is fresh, not negative
			Long ageMs = newest == null ? null : Math.max(0, Duration.between(newest, now).toMillis());
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
				s.heartbeat(ageMs, stale, now);
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

	/**
	 * Sessions whose instance stopped renewing their heartbeat (it died, or was killed) are ended: their playlists
	 * closed, their channels free again, and the recording stored if it is on this machine. Runs at start and
	 * every half minute on every instance; a session a live instance still runs is never touched.
	 */
	@EventListener(ApplicationReadyEvent.class)
	@Scheduled(fixedDelayString = "PT30S", initialDelayString = "PT30S")
	void endOrphans() {
		Instant now = clock.instant();
		for (LiveSession orphan : sessions.findByStateNot(LiveSession.ENDED)) {
			boolean mine = runs.values().stream().anyMatch(r -> r.sessionId.equals(orphan.id()));
			Instant beat = orphan.heartbeatAt() != null ? orphan.heartbeatAt() : orphan.startedAt();
			if (mine || beat.isAfter(now.minus(LEASE))) {
				continue;
			}
			Boolean ended = tx.execute(status -> sessions.findById(orphan.id())
				.filter(s -> !s.state().equals(LiveSession.ENDED))
				.map(s -> {
					s.ended("The instance running it stopped", clock.instant());
					return true;
				})
				.orElse(false));
			if (!Boolean.TRUE.equals(ended)) {
				continue;
			}
			log.warn("Ending live session {}: its instance stopped renewing it at {}", orphan.id(), beat);
			event(orphan.channelId(), orphan.id(), "ENDED", "The instance running the session stopped; the session was ended.");
			closePlaylists(new AssetId(orphan.assetId()));
			assets.liveEnded(new AssetId(orphan.assetId()), "The live stream ended when its instance stopped.");
			Path dir = settings.scratch().resolve(orphan.id().toString());
			if (Files.exists(dir)) {
				String title = channels.findById(orphan.channelId()).map(Channel::title).orElse("Live");
				record(orphan.id(), orphan.channelId(), title, dir);
				delete(dir);
			}
		}
		sweepScratch();
	}

	/** Work directories of sessions this instance no longer runs (left by a crash) go. */
	private void sweepScratch() {
		Path scratch = settings.scratch();
		if (!Files.isDirectory(scratch)) {
			return;
		}
		try (Stream<Path> dirs = Files.list(scratch)) {
			dirs.filter(Files::isDirectory)
				.filter(d -> d.getFileName().toString().matches("[0-9a-f-]{36}"))
				.filter(d -> runs.values().stream().noneMatch(r -> r.dir.equals(d)))
				.filter(d -> sessions.findById(UUID.fromString(d.getFileName().toString()))
					.map(s -> s.state().equals(LiveSession.ENDED))
					.orElse(true))
				.forEach(LiveSessions::delete);
		}
		catch (IOException ex) {
			log.warn("Could not sweep {}: {}", scratch, ex.toString());
		}
	}

	private void closePlaylists(AssetId asset) {
		for (var object : storage.list(AssetKeys.mediaPrefix(asset))) {
			if (!object.key().endsWith("/index.m3u8")) {
				continue;
			}
			storage.open(object.key(), null).ifPresent(in -> {
				try (in) {
					String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
					String ended = HlsPublisher.ended(text);
					if (!ended.equals(text)) {
						storage.put(object.key(), ended.getBytes(java.nio.charset.StandardCharsets.UTF_8),
								"application/vnd.apple.mpegurl", HlsPublisher.LIVE_PLAYLIST);
					}
				}
				catch (IOException ex) {
					log.warn("Could not close {}: {}", object.key(), ex.toString());
				}
			});
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

	/** Ends every session this instance runs, and waits (up to two minutes) for their recordings to be stored. */
	@Override
	public void destroy() {
		for (SessionRun run : List.copyOf(runs.values())) {
			run.endNow("The instance is stopping");
		}
		scheduler.shutdown();
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
		for (Thread end : List.copyOf(finishing)) {
			try {
				end.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
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
