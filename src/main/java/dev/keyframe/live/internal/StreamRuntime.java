package dev.keyframe.live.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
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
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.NewAsset;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.live.LiveSettings;
import dev.keyframe.platform.ConditionalOnRole;
import dev.keyframe.platform.Instance;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.MediaProbe;
import dev.keyframe.platform.MediaProbeException;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.MediaTypes;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.platform.Role;
import dev.keyframe.platform.Rung;

/**
 * The transcoder role: this instance serves one generation of one live session
 * ({@code keyframe.live.transcoder.session}). It takes the feed that live instances relay to it, runs the ladder's
 * encoder, publishes HLS, pushes the RTMP outputs and keeps the recording ({@link SessionRun}), renews the
 * session's heartbeat with what it measures, and exits when the session ends, or at once when it finds it was
 * replaced. A replacement continues the playlists from what is in storage.
 */
@Component
@ConditionalOnRole(Role.TRANSCODER)
public class StreamRuntime implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(StreamRuntime.class);

	private final Channels channels;

	private final Sessions sessions;

	private final SessionLeases leases;

	private final LiveEvents events;

	private final AssetManagement assets;

	private final ObjectStorage storage;

	private final MediaTools tools;

	private final MediaProbe probe;

	private final LiveSettings settings;

	private final TransactionTemplate tx;

	private final Instance instance;

	private final ConfigurableApplicationContext context;

	private final Clock clock;

	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2,
			Thread.ofPlatform().name("live-publish-", 0).daemon().factory());

	private final Set<Thread> finishing = ConcurrentHashMap.newKeySet();

	private @Nullable SessionRun run;

	private @Nullable RelayServer server;

	private volatile boolean current = true;

	private volatile boolean fedBefore;

	private boolean wasStale;

	/** Longer than any start-up backlog: a stream this far behind is stuck, caught up or not. */
	private static final Duration CATCH_UP = Duration.ofSeconds(90);

	/** Whether the newest segment has been fresh at least once (the stale alarm waits for that). */
	private boolean caughtUp;

	private long lastBytes = -1;

	StreamRuntime(Channels channels, Sessions sessions, SessionLeases leases, LiveEvents events,
			AssetManagement assets, ObjectStorage storage, MediaTools tools, MediaProbe probe, LiveSettings settings,
			TransactionTemplate tx, Instance instance, ConfigurableApplicationContext context, Optional<Clock> clock) {
		this.channels = channels;
		this.sessions = sessions;
		this.leases = leases;
		this.events = events;
		this.assets = assets;
		this.storage = storage;
		this.tools = tools;
		this.probe = probe;
		this.settings = settings;
		this.tx = tx;
		this.instance = instance;
		this.context = context;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	@EventListener(ApplicationReadyEvent.class)
	void serve() throws IOException {
		UUID id = settings.transcoder().session();
		int generation = settings.transcoder().generation();
		Pipeline pipeline = pipeline();
		if (id == null) {
			throw new IllegalStateException("The transcoder role needs keyframe.live.transcoder.session "
					+ "(KEYFRAME_LIVE_TRANSCODER_SESSION); live instances set it when they launch one");
		}
		LiveSession session = sessions.findById(id).orElse(null);
		if (session == null || session.state().equals(LiveSession.ENDED) || !session.pipelines().contains(pipeline)
				|| session.generation(pipeline) != generation || session.relayToken() == null) {
			log.info("Live session {} (pipeline {}, generation {}) is not this transcoder's to serve any more; exiting",
					id, pipeline, generation);
			exit();
			return;
		}
		Channel channel = channels.findById(session.channelId()).orElseThrow();
		List<Rung> rungs = settings.ladder().stream().filter(r -> channel.ladder().contains(r.name())).toList();
		int listSize = Math.max(settings.windowSegments(),
				(int) Math.ceil(channel.dvrWindowSeconds() / (double) settings.segmentSeconds()));
		boolean redundant = session.pipelines().size() > 1;
		// with two pipelines, A pushes the RTMP outputs: a target takes one publisher per stream
		SessionRun started = new SessionRun(this, id, channel.id(), new AssetId(session.assetId()), channel.title(),
				instance.scratch("session"), rungs.isEmpty() ? settings.ladder() : rungs,
				pipeline == Pipeline.A ? channel.rtmpOutputs() : List.of(), channel.reconnectWindowSeconds(), listSize,
				session.lowLatency() ? LowLatency.forSegments(settings.segmentSeconds()) : null,
				redundant ? pipeline : null);
		this.run = started;
		RelayServer relay = new RelayServer(this, started, id, pipeline, generation, session.relayToken(), settings.relayBind(),
				settings.relayPort(), settings.idleTimeout());
		this.server = relay;
		relay.start();
		String endpoint = advertisedHost() + ":" + relay.port();
		if (!leases.register(id, pipeline, generation, instance.id(), endpoint, started.dir.toString(), clock.instant())) {
			log.info("Live session {} was given to another transcoder while this one started; exiting", id);
			abandon();
			return;
		}
		log.info("Transcoder of live session {} (pipeline {}, generation {}) takes the relay at {}", id, pipeline,
				generation, endpoint);
		scheduler.scheduleWithFixedDelay(this::heartbeat, 1, 1, TimeUnit.SECONDS);
		// no feed at all (the live instance that launched it is gone too): the session ends like a feed that left
		long patience = settings.transcoderStartTimeout().toSeconds() + channel.reconnectWindowSeconds();
		schedule(() -> {
			if (!fedBefore && !started.ended()) {
				started.endNow("No feed reached the transcoder");
			}
		}, (int) patience);
	}

	/** The pipeline this instance runs (A unless it was launched for a second pipeline). */
	private Pipeline pipeline() {
		return Pipeline.valueOf(settings.transcoder().pipeline().strip().toUpperCase(java.util.Locale.ROOT));
	}

	/** Whether this instance still serves the session's current generation. */
	boolean current() {
		return current;
	}

	/** A relay attached; a feed that comes back after going away is a reconnect. */
	void attached(SessionRun run, String protocol) {
		if (fedBefore && run.publishing()) {
			tx.executeWithoutResult(status -> sessions.findById(run.sessionId).ifPresent(s -> s.resumed(protocol)));
			event(run, "RECONNECTED", "The feed came back (" + label(protocol) + "); the session goes on.");
		}
		fedBefore = true;
	}

	private String advertisedHost() {
		if (settings.relayHost() != null) {
			return settings.relayHost();
		}
		String metadata = System.getenv("ECS_CONTAINER_METADATA_URI_V4");
		if (metadata != null) {
			try {
				var response = java.net.http.HttpClient.newHttpClient()
					.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(metadata)).build(),
							java.net.http.HttpResponse.BodyHandlers.ofString());
				var matcher = java.util.regex.Pattern.compile("\"IPv4Addresses\"\\s*:\\s*\\[\\s*\"([0-9.]+)\"")
					.matcher(response.body());
				if (matcher.find()) {
					return matcher.group(1);
				}
			}
			catch (IOException | InterruptedException ex) {
				log.warn("Could not read this task's address from the ECS metadata endpoint: {}", ex.toString());
			}
		}
		return settings.relayBind().equals("0.0.0.0") ? "127.0.0.1" : settings.relayBind();
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

	/** Whether a feed's own video may be its top rung (keyframe.live.passthrough). */
	boolean passthrough() {
		return settings.passthrough();
	}

	int segmentSeconds() {
		return settings.segmentSeconds();
	}

	HlsPublisher publisher(SessionRun run, List<Rung> rungs, MediaInfo feed) throws IOException {
		return publisher(run, rungs, feed, restore(run, rungs), run.dir, run::runCapture);
	}

	/**
	 * @param earlier the playlists published before, which this publisher continues
	 * @param dir where the playlists it publishes are written
	 * @param capture when the running encoder's first picture was captured (0: its own dates stand)
	 */
	private HlsPublisher publisher(SessionRun run, List<Rung> rungs, MediaInfo feed, Map<String, String> earlier,
			Path dir, java.util.function.LongSupplier capture) {
		MediaInfo.Video video = feed.video();
		return new HlsPublisher(storage, run.asset, dir, rungs.stream().map(Rung::name).toList(), earlier,
				capture, rendition -> {
			Rung rung = rungs.stream().filter(r -> r.name().equals(rendition)).findFirst().orElseThrow();
			int[] size = LiveCommand.size(rung, video);
			long bandwidth = (rung.videoKbps() + (feed.hasAudio() ? rung.audioKbps() : 0)) * 1100L;
			Passthrough.On copied = run.copied();
			boolean copy = copied != null && copied.rung().equals(rung);
			String codecs = copy ? copied.avc1() + (feed.hasAudio() ? ",mp4a.40.2" : "")
					: LiveCommand.codecs(rung, video, settings.preset(), feed.hasAudio());
			// with a copied rung, every rung keeps the feed's frame rate (see LiveCommand)
			String frameRate = copied != null && video != null ? video.frameRate() : "30/1";
			RenditionSpec spec = new RenditionSpec(rung.name(), RenditionKind.VIDEO, size[0], size[1], bandwidth,
					bandwidth * 10 / 11, codecs, frameRate,
					AssetKeys.renditionPrefix(run.asset, rung.name()) + "index.m3u8", 0, 0, List.of());
			assets.publishRendition(run.asset, spec, (candidate, published) -> Optional.empty());
			HlsPublisher current = run.publisher();
			if (current != null && current.allStarted() && (run.pipeline == null || earlier.isEmpty())
					&& !playing.contains(run.asset)) {
				assets.liveStarted(run.asset);
				playing.add(run.asset); // once it succeeded: a failure is told again next round
				event(run, "PLAYING", "Every rendition has its first segment: viewers can watch"
						+ (run.lowLatency != null ? " with low latency (half-second parts)." : "."));
			}
		}, run.lowLatency, run.listSize);
	}

	/** The live assets this instance told the catalog are playing (a pipeline that takes over does not again). */
	private final Set<AssetId> playing = ConcurrentHashMap.newKeySet();

	/** With two pipelines: this pipeline's share in publishing (docs/adr/0020). */
	PipelinePublication publication(SessionRun run, List<Rung> rungs, MediaInfo feed, Pipeline pipeline) {
		List<String> names = rungs.stream().map(Rung::name).toList();
		PipelineNumbering numbering = new PipelineNumbering(run.dir, names, settings.segmentSeconds(), run.listSize,
				run::runCapture, run::timeline);
		PipelinePublication.Owner owner = new PipelinePublication.Owner() {

			@Override
			public @Nullable LiveSession row(SessionRun of) {
				return sessions.findById(of.sessionId).orElse(null);
			}

			@Override
			public boolean claim(SessionRun of, PipelineNumbering.Anchor anchor) {
				return leases.claim(of.sessionId, pipeline, settings.transcoder().generation(), anchor);
			}

			@Override
			public boolean takeOver(SessionRun of, java.time.Duration stalled) {
				return leases.takeOver(of.sessionId, pipeline, settings.transcoder().generation(), stalled);
			}

			@Override
			public Map<String, String> published(SessionRun of) throws IOException {
				Map<String, String> published = new java.util.LinkedHashMap<>();
				for (Rung rung : rungs) {
					String text = StreamRuntime.this.published(of, rung);
					if (text != null) {
						published.put(rung.name(), text);
					}
				}
				return published;
			}

			@Override
			public HlsPublisher publisher(SessionRun of, Map<String, String> published) {
				// the numbering dates every segment itself, the same from either pipeline
				return StreamRuntime.this.publisher(of, rungs, feed, published,
						of.dir.resolve(PipelineNumbering.NUMBERED), () -> 0);
			}

			@Override
			public void event(SessionRun of, String kind, String detail) {
				StreamRuntime.this.event(of, kind, detail);
			}

		};
		return new PipelinePublication(owner, run, pipeline, numbering, settings.segmentSeconds());
	}

	/** A rendition's playlist as published, if it is there and open. */
	private @Nullable String published(SessionRun run, Rung rung) throws IOException {
		var published = storage.open(AssetKeys.renditionPrefix(run.asset, rung.name()) + "index.m3u8", null);
		if (published.isEmpty()) {
			return null;
		}
		String text;
		try (var in = published.get()) {
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		return text.contains("#EXT-X-ENDLIST") ? null : text;
	}

	/**
	 * The playlists an earlier transcoder of this session published, brought into this one's work directory so
	 * the encoder continues them ({@code append_list}: numbering goes on after a discontinuity).
	 * @return the playlists as published, by rendition (the segments they list are in storage)
	 */
	private Map<String, String> restore(SessionRun run, List<Rung> rungs) throws IOException {
		Map<String, String> restored = new java.util.LinkedHashMap<>();
		for (Rung rung : rungs) {
			String key = AssetKeys.renditionPrefix(run.asset, rung.name()) + "index.m3u8";
			Path local = run.dir.resolve(rung.name()).resolve("index.m3u8");
			if (Files.exists(local)) {
				continue;
			}
			String text = published(run, rung);
			if (text == null) {
				continue;
			}
			Files.createDirectories(local.getParent());
			Files.writeString(local, HlsPublisher.forEncoder(text));
			restored.put(rung.name(), text);
		}
		if (run.lowLatency != null && !restored.isEmpty()) {
			// every rendition continues from the newest part all of them had published, so their segments
			// keep the same numbers and parts
			int upTo = restored.values().stream().mapToInt(PartAssembler::newestPart).min().orElse(-1);
			int next = PartAssembler.continuedNumber(restored.values());
			for (var published : restored.entrySet()) {
				String prefix = AssetKeys.renditionPrefix(run.asset, published.getKey());
				PartAssembler.restore(run.dir.resolve(published.getKey()), published.getValue(), upTo, next,
						(uri, target) -> {
							var part = storage.open(prefix + uri, null);
							if (part.isEmpty()) {
								return false;
							}
							try (var in = part.get()) {
								Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
							}
							return true;
						});
			}
		}
		if (!restored.isEmpty()) {
			log.info("Continuing the published playlists of {} of live session {}", restored.keySet(), run.sessionId);
		}
		return restored;
	}

	ScheduledFuture<?> schedulePublishing(Runnable publish, long everyMillis) {
		return scheduler.scheduleWithFixedDelay(() -> {
			try {
				publish.run();
			}
			catch (RuntimeException ex) {
				log.warn("Publishing failed: {}", ex.toString());
			}
		}, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
	}

	ScheduledFuture<?> schedule(Runnable task, int seconds) {
		return scheduler.schedule(() -> Thread.ofVirtual().name("live-timer").start(task), seconds, TimeUnit.SECONDS);
	}

	RtmpOutput rtmpOutput(SessionRun run, String target, boolean copyVideo) {
		return new RtmpOutput(tools.ffmpegPath(), target, copyVideo,
				run.dir.resolve("rtmp-" + Integer.toHexString(target.hashCode()) + ".log"),
				(kind, detail) -> event(run, kind, detail));
	}

	InputSelector.Thresholds failover() {
		LiveSettings.Failover failover = settings.failover();
		return new InputSelector.Thresholds(failover.lossOfSignal(), failover.black(), failover.silence(),
				failover.hold());
	}

	FeedWatch watch(SessionRun run, String name, FeedWatch.Listener listener) {
		return FeedWatch.start(tools.ffmpegPath().toString(), run.sessionId.toString().substring(0, 8) + "-" + name, listener);
	}

	EncoderProcess launch(SessionRun run, List<Rung> rungs, MediaInfo feed) {
		List<String> command = LiveCommand.command(tools.ffmpegPath(), rungs, feed, settings, run.listSize, run.dir,
				run.lowLatency, run.copied() != null, run.pipeline != null);
		EncoderProcess encoder = EncoderProcess.start(command, run.dir);
		log.info("Encoder {} started for live session {}", encoder.id(), run.sessionId);
		return encoder;
	}

	/** Starts the slate: the ladder made from a still picture and silence, continuing the run's playlists. */
	EncoderProcess slate(SessionRun run, List<Rung> rungs, MediaInfo feed) {
		Path picture = run.dir.resolve("slate.png");
		try {
			if (!Files.exists(picture)) {
				try (var in = StreamRuntime.class.getResourceAsStream("/media/slate.png")) {
					if (in == null) {
						throw new IllegalStateException("The slate picture is missing from the build");
					}
					Files.copy(in, picture);
				}
			}
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException("The slate picture could not be written: " + ex.getMessage(), ex);
		}
		EncoderProcess slate = EncoderProcess.start(
				LiveCommand.slate(tools.ffmpegPath(), picture, rungs, feed, settings, run.listSize, run.dir,
						run.lowLatency),
				run.dir);
		log.info("Slate {} started for live session {} while its feed is away", slate.id(), run.sessionId);
		return slate;
	}

	void picture(SessionRun run, MediaInfo.Video video) {
		tx.executeWithoutResult(status -> sessions.findById(run.sessionId)
			.ifPresent(s -> s.picture(video.width(), video.height())));
	}

	void restarted(SessionRun run, long pid, int restarts) {
		tx.executeWithoutResult(status -> sessions.findById(run.sessionId).ifPresent(LiveSession::restarted));
		event(run, "TRANSCODER_RESTARTED", "The encoder (process " + pid + ") died while the feed went on; "
				+ "restart " + restarts + (run.pipeline != null ? " continues in step."
						: " continues the playlists after a discontinuity."));
	}

	int maxRestarts() {
		return settings.maxRestarts();
	}

	void reconnecting(SessionRun run, String reason) {
		if (!run.publishing()) {
			return; // the session's state is the publishing pipeline's to tell
		}
		tx.executeWithoutResult(status -> sessions.findById(run.sessionId).ifPresent(LiveSession::reconnecting));
		event(run, "RECONNECTING", reason + "; waiting " + run.reconnectWindowSeconds + " s for the feed to come back"
				+ (run.slating() ? ", with the slate on air meanwhile." : "."));
	}

	/**
	 * An event on the channel page. With two pipelines, what happens to the session is told by the publishing one;
	 * the one standing by tells only what happens to itself.
	 */
	void event(SessionRun run, String kind, String detail) {
		String told = detail;
		if (run.pipeline != null && !run.publishing()) {
			if (!kind.startsWith("PIPELINE_") && !kind.startsWith("TRANSCODER_")) {
				log.info("Pipeline {} of live session {} (standing by): {} {}", run.pipeline, run.sessionId, kind, detail);
				return;
			}
			told = kind.startsWith("PIPELINE_") ? detail : "Pipeline " + run.pipeline + ": " + detail;
		}
		String saved = told;
		tx.executeWithoutResult(
				status -> events.save(new LiveEvent(run.channelId, run.sessionId, kind, saved, clock.instant())));
	}

	/** Ends the run on a thread of its own (for callers that hold the run's monitor). */
	void endLater(SessionRun run, String reason) {
		Thread.ofVirtual().name("live-end").start(() -> run.endNow(reason));
	}

	/**
	 * The session is over. Its row says so before the channel is free again (a new feed starts a new session at
	 * once); then the playlists are closed, the live asset marked ended, the recording sent on its way to VOD, and
	 * this instance exits.
	 */
	void ended(SessionRun run, String reason, @Nullable HlsPublisher publisher) {
		if (!run.publishing() && !endsForBoth(run)) {
			// the pipeline standing by: the publishing one ends the session, closes its playlists and records it
			log.info("Pipeline {} of live session {} stops: {}", run.pipeline, run.sessionId, reason);
			exit();
			return;
		}
		tx.executeWithoutResult(status -> sessions.findById(run.sessionId)
			.filter(s -> s.generation(pipeline()) == settings.transcoder().generation())
			.ifPresent(s -> s.ended(reason, clock.instant())));
		event(run, "ENDED", reason + ".");
		Thread end = Thread.ofPlatform().name("live-finish").unstarted(() -> {
			try {
				if (publisher != null) {
					publisher.end();
				}
				else if (run.pipeline != null) {
					HlsPublisher.closeAll(storage, new AssetId(run.asset.value())); // what the other one published
				}
				assets.liveEnded(new AssetId(run.asset.value()), "The live stream ended.");
				record(run);
			}
			catch (RuntimeException ex) {
				log.error("Ending live session {} failed", run.sessionId, ex);
			}
			finally {
				finishing.remove(Thread.currentThread());
				exit();
			}
		});
		finishing.add(end);
		end.start();
	}

	/**
	 * Whether a pipeline that does not publish (yet) ends the session all the same: the session's row names it the
	 * publisher (it ended before it began publishing), or the other pipeline has stopped beating.
	 */
	private boolean endsForBoth(SessionRun run) {
		Pipeline mine = pipeline();
		LiveSession row = sessions.findById(run.sessionId).orElse(null);
		if (row == null || row.state().equals(LiveSession.ENDED)) {
			return false;
		}
		Instant other = row.heartbeatAt(mine.other());
		return row.publisher() == mine || other == null
				|| other.isBefore(clock.instant().minus(settings.transcoderLostAfter()));
	}

	/** The recording becomes a VOD asset through the normal catalog: stored as a source, probed, transcoded. */
	private void record(SessionRun run) {
		AssetId recording = null;
		try {
			Path file = joined(run);
			if (file == null) {
				return;
			}
			String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(clock.instant().atZone(ZoneOffset.UTC));
			AssetId created = assets.createRecording(new NewAsset(run.title + " \u2014 recording " + when + " UTC",
					"recording.ts", MediaTypes.MPEG_TS, Files.size(file)));
			recording = created;
			storage.putLarge(AssetKeys.source(created), file, MediaTypes.MPEG_TS, "private");
			tx.executeWithoutResult(status -> sessions.findById(run.sessionId).ifPresent(s -> s.recorded(created.value())));
			try {
				assets.uploaded(created, probe.probe(storage.presignGet(AssetKeys.source(created), Duration.ofMinutes(30))));
				event(run, "RECORDED", "The recording became a VOD asset and is being transcoded.");
			}
			catch (MediaProbeException ex) {
				assets.failed(created, ex.getMessage());
				event(run, "RECORDED", "The recording was stored but cannot be read: " + ex.getMessage());
			}
		}
		catch (IOException | RuntimeException ex) {
			log.error("The recording of live session {} could not be stored", run.sessionId, ex);
			if (recording != null) {
				assets.failed(recording, "The recording of the live session could not be stored: " + ex.getMessage());
			}
			event(run, "RECORDING_FAILED", "The recording could not be stored: " + ex.getMessage());
		}
	}

	/**
	 * The recording as one file: its parts (one per feed, each with a timeline of its own) joined end to end with
	 * continuous timestamps, without re-encoding. Appended as they came, a player and the probe would see only the
	 * last part's duration.
	 * @return the file, or null when nothing was recorded
	 */
	private @Nullable Path joined(SessionRun run) throws IOException {
		List<Path> parts = new ArrayList<>();
		for (Path part : run.recordingParts()) {
			if (Files.exists(part) && Files.size(part) > 0) {
				parts.add(part);
			}
		}
		if (parts.size() <= 1) {
			return parts.isEmpty() ? null : parts.getFirst();
		}
		Path list = run.dir.resolve("recording-parts.txt");
		Files.write(list, parts.stream().map(p -> "file '" + p.toAbsolutePath() + "'").toList());
		Path joined = run.dir.resolve("recording.ts");
		Path joinLog = run.dir.resolve("recording-join.log");
		Process join = new ProcessBuilder(tools.ffmpegPath().toString(), "-hide_banner", "-nostdin", "-loglevel", "error",
				"-y", "-f", "concat", "-safe", "0", "-i", list.toString(), "-map", "0", "-c", "copy", "-f", "mpegts",
				joined.toString())
			.redirectErrorStream(true)
			.redirectOutput(joinLog.toFile())
			.start();
		try {
			if (join.waitFor(10, TimeUnit.MINUTES) && join.exitValue() == 0 && Files.size(joined) > 0) {
				return joined;
			}
			join.destroyForcibly();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			join.destroyForcibly();
		}
		// a part the join cannot take (its streams differ, say): keep the longest rather than nothing
		String why = Files.exists(joinLog) ? Files.readString(joinLog).strip() : "";
		Path longest = parts.stream().max(java.util.Comparator.comparingLong(StreamRuntime::size)).orElseThrow();
		log.warn("Joining the {} recorded parts of live session {} failed ({}); keeping the longest",
				parts.size(), run.sessionId, why);
		event(run, "RECORDING_PARTIAL", "The " + parts.size() + " parts of the recording (one per feed) could not be "
				+ "joined; the longest is kept.");
		return longest;
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/**
	 * Once a second: the session's heartbeat with its manifest age, stale alarm, the feed's bitrate and what runs.
	 * A heartbeat the database refuses means another transcoder serves the session now: this one stops at once.
	 */
	private void heartbeat() {
		SessionRun current = run;
		if (current == null || current.ended()) {
			return;
		}
		try {
			Instant now = clock.instant();
			HlsPublisher publisher = current.publisher();
			Instant newest = publisher == null ? null : publisher.newest();
			Long ageMs = newest == null ? null : Math.max(0, Duration.between(newest, now).toMillis());
			long bytes = current.bytes();
			Long bitrate = lastBytes < 0 ? null : (bytes - lastBytes) * 8;
			boolean fed = bytes != lastBytes;
			lastBytes = bytes;
			// a transcoder that started late works through the feed it missed first: behind, but not stuck
			caughtUp |= ageMs != null && ageMs <= settings.staleAfter().toMillis();
			boolean stale = ageMs != null && !current.reconnecting() && ageMs > settings.staleAfter().toMillis()
					&& (caughtUp || ageMs > CATCH_UP.toMillis());
			EncoderProcess encoder = current.transcoder();
			String outputs = current.outputs()
				.stream()
				.map(o -> (o.up() ? "up" : "down") + "|" + (o.pid() == null ? "" : o.pid()) + "|" + o.redacted())
				.collect(Collectors.joining("\n"));
			PipelinePublication shared = current.publication();
			boolean mine = leases.beat(current.sessionId, pipeline(), settings.transcoder().generation(),
					new SessionLeases.Beat(ageMs, stale, bytes, bitrate, fed, encoder == null ? null : encoder.id(),
							outputs.isEmpty() ? null : outputs, shared == null ? null : shared.newest()),
					current.publishing(), now);
			if (!mine) {
				boolean ended = sessions.findById(current.sessionId)
					.map(s -> s.state().equals(LiveSession.ENDED))
					.orElse(true);
				log.warn("Live session {} {}; this transcoder stops", current.sessionId,
						ended ? "was ended elsewhere" : "has a newer transcoder");
				abandon();
				return;
			}
			if (stale && !wasStale) {
				event(current, "STALE", "The newest segment is " + ageMs / 1000 + " s old (alarm at "
						+ settings.staleAfter().toSeconds() + " s).");
			}
			else if (!stale && wasStale) {
				event(current, "RECOVERED", "Segments are fresh again (" + (ageMs == null ? 0 : ageMs / 1000) + " s).");
			}
			wasStale = stale;
		}
		catch (RuntimeException ex) {
			log.warn("The live heartbeat failed (retried in a second): {}", ex.toString());
		}
	}

	/** Stops everything without ending the session (another transcoder has it now), and exits. */
	private void abandon() {
		current = false;
		SessionRun stopped = run;
		if (stopped != null) {
			stopped.abandon();
		}
		exit();
	}

	private void exit() {
		Thread.ofPlatform().name("transcoder-exit").start(() -> {
			RelayServer relay = server;
			if (relay != null) {
				relay.close();
			}
			System.exit(SpringApplication.exit(context, () -> 0));
		});
	}

	/**
	 * The instance is stopping (SIGTERM): the session ends as if its feed left, playlists closed and the recording
	 * stored, unless another transcoder already serves it.
	 */
	@Override
	public void destroy() {
		SessionRun stopping = run;
		if (stopping != null && current && !stopping.ended()) {
			stopping.endNow("The transcoder instance was stopped");
		}
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
		for (Thread end : new ArrayList<>(finishing)) {
			try {
				end.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		RelayServer relay = server;
		if (relay != null) {
			relay.close();
		}
		scheduler.shutdownNow();
	}

	static String label(String protocol) {
		return protocol.equals("HTTP_TS") ? "MPEG-TS over HTTP" : protocol;
	}

}
