package dev.keyframe.live.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.live.LiveSettings;
import dev.keyframe.live.TranscoderLauncher;
import dev.keyframe.platform.ConditionalOnRole;
import dev.keyframe.platform.Instance;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.platform.Role;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The live role's watch over the sessions whose feeds it relays: launches their transcoder instances, replaces
 * one that dies or stops answering (the next generation, taken fleet-wide in one statement, so exactly one
 * instance replaces it), renews its own heartbeat as the feed's relay, reports each channel's manifest age, and
 * ends sessions nobody runs any more (their transcoder and their relay both gone).
 */
@Component
@ConditionalOnRole(Role.LIVE)
public class SessionMonitor implements Relay.Supervisor, DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(SessionMonitor.class);

	/** A session whose transcoder and relay have both been silent this long is over. */
	private static final Duration ORPHANED = Duration.ofSeconds(30);

	private final Sessions sessions;

	private final SessionLeases leases;

	private final LiveEvents events;

	private final AssetManagement assets;

	private final ObjectStorage storage;

	private final TranscoderLauncher launcher;

	private final LiveSettings settings;

	private final Instance instance;

	private final TransactionTemplate tx;

	private final MeterRegistry meters;

	private final Clock clock;

	private final boolean standInsHere;

	private final Map<UUID, Relay> relays = new ConcurrentHashMap<>();

	/** The backup feeds relayed here, by session: they follow the session's transcoder as the primary's relay does. */
	private final Map<UUID, Relay> backups = new ConcurrentHashMap<>();

	private final Map<UUID, UUID> channelOf = new ConcurrentHashMap<>();

	private final Map<UUID, AtomicLong> ages = new ConcurrentHashMap<>();

	private final Map<String, String> launched = new ConcurrentHashMap<>();

	SessionMonitor(Sessions sessions, SessionLeases leases, LiveEvents events, AssetManagement assets,
			ObjectStorage storage, TranscoderLauncher launcher, LiveSettings settings, Instance instance,
			TransactionTemplate tx, MeterRegistry meters, Environment env, Optional<Clock> clock) {
		this.sessions = sessions;
		this.leases = leases;
		this.events = events;
		this.assets = assets;
		this.storage = storage;
		this.launcher = launcher;
		this.settings = settings;
		this.instance = instance;
		this.tx = tx;
		this.meters = meters;
		this.standInsHere = env.getProperty("keyframe.local.enabled", Boolean.class, false)
				&& !env.getProperty("keyframe.local.attached", Boolean.class, false);
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/** Starts relaying a feed of {@code session} to its transcoder. */
	Relay relay(UUID session, UUID channel, String protocol, FeedRole role) {
		List<Pipeline> pipelines = sessions.findById(session).map(LiveSession::pipelines).orElse(List.of(Pipeline.A));
		Relay relay = new Relay(session, protocol, role, this, pipelines);
		(role == FeedRole.BACKUP ? backups : relays).put(session, relay);
		channelOf.put(session, channel);
		gauge(channel);
		relay.start();
		return relay;
	}

	/** The relay this instance runs for {@code session}'s feed in {@code role}, if any. */
	Optional<Relay> relayOf(UUID session, FeedRole role) {
		return Optional.ofNullable((role == FeedRole.BACKUP ? backups : relays).get(session)).filter(Relay::open);
	}

	/** Launches generation {@code generation} of the transcoder instance of the session's {@code pipeline}. */
	void launch(UUID session, Pipeline pipeline, int generation) {
		meters.counter("keyframe.live.transcoders").increment();
		try {
			String id = launcher.launch(new TranscoderLauncher.Spec(session, generation, pipeline.name()));
			launched.put(session + "/" + pipeline, id);
			leases.launched(session, pipeline, generation, id);
		}
		catch (RuntimeException ex) {
			log.error("The transcoder of live session {} (pipeline {}) could not be launched: {}", session, pipeline,
					ex.getMessage());
			event(session, "TRANSCODER_FAILED", label(session, pipeline) + "The transcoder could not be started: "
					+ ex.getMessage());
		}
	}

	/** "Pipeline B: " for a session with two pipelines, else nothing. */
	private String label(UUID session, Pipeline pipeline) {
		return sessions.findById(session).filter(s -> s.pipelines().size() > 1).map(s -> "Pipeline " + pipeline + ": ")
			.orElse("");
	}

	@Override
	public Relay.Target target(UUID session, Pipeline pipeline) {
		return sessions.findById(session)
			.map(s -> new Relay.Target(s.generation(pipeline), s.endpoint(pipeline),
					s.relayToken() == null ? "" : s.relayToken(), s.state().equals(LiveSession.ENDED)))
			.orElse(new Relay.Target(0, null, "", true));
	}

	@Override
	public Duration startTimeout() {
		return settings.transcoderStartTimeout();
	}

	/**
	 * The transcoder of {@code generation} is lost: take the next generation (unless another instance did, or the
	 * session ended), stop the lost one if it still runs, and launch the replacement.
	 */
	@Override
	public synchronized void lost(UUID session, Pipeline pipeline, int generation, String why) {
		LiveSession before = sessions.findById(session).orElse(null);
		if (before == null || before.generation(pipeline) != generation) {
			return;
		}
		Optional<Integer> next = leases.replace(session, pipeline, generation, clock.instant(), true);
		if (next.isEmpty()) {
			return;
		}
		meters.counter("keyframe.live.transcoder.restarts").increment();
		String old = before.transcoderId(pipeline);
		if (old != null) {
			try {
				launcher.stop(old, "replaced: " + why);
			}
			catch (RuntimeException ex) {
				log.warn("Could not stop lost transcoder {}: {}", old, ex.toString());
			}
		}
		int restarts = before.transcoderRestarts() + 1;
		log.warn("The transcoder of live session {} (pipeline {}, generation {}) is lost: {}", session, pipeline,
				generation, why);
		boolean redundant = before.pipelines().size() > 1;
		if (restarts > settings.maxRestarts() * before.pipelines().size()) {
			event(session, "TRANSCODER_FAILED", "The transcoder was lost " + restarts + " times; the session ends.");
			end(session, "The transcoder kept failing");
			return;
		}
		event(session, "TRANSCODER_RESTARTED", redundant
				? "Pipeline " + pipeline + ": its transcoder instance stopped working (" + why + "); its replacement "
						+ "joins in step" + (before.publisher() == pipeline ? " while pipeline " + pipeline.other()
								+ " takes the publication over." : ".")
				: "The transcoder instance stopped working (" + why + "); restart " + restarts
						+ " continues the playlists after a discontinuity.");
		launch(session, pipeline, next.get());
	}

	/**
	 * Once a second, for each feed relayed here: renew this instance's hold on it, report the manifest age, and
	 * replace a transcoder whose heartbeat stopped.
	 */
	@Scheduled(fixedDelayString = "${keyframe.live.heartbeat:PT1S}")
	void heartbeat() {
		Instant now = clock.instant();
		for (Relay backup : List.copyOf(backups.values())) {
			// a backup follows the session's transcoder, replacing a lost one as the primary's relay would; the
			// session's ingest heartbeat stays the primary's
			if (!backup.open()) {
				backups.remove(backup.session, backup);
				continue;
			}
			try {
				LiveSession row = sessions.findById(backup.session).orElse(null);
				if (row == null || row.state().equals(LiveSession.ENDED)) {
					backup.abort("The live session ended.");
					continue;
				}
				if (!relays.containsKey(backup.session)) {
					replaceSilent(row, now);
				}
			}
			catch (RuntimeException ex) {
				log.warn("Watching the backup feed of live session {} failed (retried in a second): {}", backup.session,
						ex.toString());
			}
		}
		for (Relay relay : List.copyOf(relays.values())) {
			UUID session = relay.session;
			if (!relay.open()) {
				relays.remove(session, relay);
				Optional.ofNullable(channelOf.remove(session)).map(ages::get).ifPresent(age -> age.set(0));
				continue;
			}
			try {
				leases.ingestBeat(session, instance.id(), now);
				LiveSession row = sessions.findById(session).orElse(null);
				if (row == null || row.state().equals(LiveSession.ENDED)) {
					relay.abort("The live session ended.");
					continue;
				}
				AtomicLong age = ages.get(row.channelId());
				if (age != null && row.manifestAgeMs() != null) {
					age.set(row.manifestAgeMs());
				}
				replaceSilent(row, now);
			}
			catch (RuntimeException ex) {
				log.warn("Watching live session {} failed (retried in a second): {}", session, ex.toString());
			}
		}
	}

	/** Replaces each of the session's transcoders whose heartbeat stopped. */
	private void replaceSilent(LiveSession row, Instant now) {
		for (Pipeline pipeline : row.pipelines()) {
			Instant beat = row.heartbeatAt(pipeline);
			if (row.endpoint(pipeline) != null && beat != null
					&& beat.isBefore(now.minus(settings.transcoderLostAfter()))) {
				lost(row.id(), pipeline, row.generation(pipeline),
						"its heartbeat stopped " + Duration.between(beat, now).toSeconds() + " s ago");
			}
		}
	}

	/**
	 * Sessions nobody runs any more, their transcoder and their relay both silent (every instance involved died),
	 * are ended: playlists closed, channel free. Runs at start and every half minute on every live instance.
	 */
	@EventListener(ApplicationReadyEvent.class)
	@Scheduled(fixedDelayString = "PT30S", initialDelayString = "PT30S")
	void endOrphans() {
		Instant cutoff = clock.instant().minus(ORPHANED);
		for (LiveSession orphan : sessions.findByStateNot(LiveSession.ENDED)) {
			Instant beat = orphan.pipelines().stream().map(orphan::heartbeatAt).filter(java.util.Objects::nonNull)
				.max(Instant::compareTo).orElse(orphan.startedAt());
			Instant relayed = orphan.ingestHeartbeatAt();
			if (relays.containsKey(orphan.id()) || backups.containsKey(orphan.id()) || beat.isAfter(cutoff) || relayed != null && relayed.isAfter(cutoff)) {
				continue;
			}
			log.warn("Ending live session {}: its transcoder stopped at {} and nothing relays its feed", orphan.id(), beat);
			for (Pipeline pipeline : orphan.pipelines()) {
				if (orphan.transcoderId(pipeline) != null) {
					launcher.stop(orphan.transcoderId(pipeline), "its session was ended as orphaned");
				}
			}
			end(orphan.id(), "The instances running it stopped");
		}
	}

	/** Ends a session from outside its transcoder: the row, the playlists, the live asset. */
	private void end(UUID session, String reason) {
		LiveSession ended = tx.execute(status -> sessions.findById(session)
			.filter(s -> !s.state().equals(LiveSession.ENDED))
			.map(s -> {
				s.ended(reason, clock.instant());
				return s;
			})
			.orElse(null));
		if (ended == null) {
			return;
		}
		Optional.ofNullable(relays.remove(session)).ifPresent(r -> r.abort(reason));
		Optional.ofNullable(backups.remove(session)).ifPresent(r -> r.abort(reason));
		event(session, ended.channelId(), "ENDED", reason + "; the session was ended.");
		AssetId asset = new AssetId(ended.assetId());
		HlsPublisher.closeAll(storage, asset);
		assets.liveEnded(asset, "The live stream ended when its instances stopped.");
	}

	/** What runs for a channel's current session, as its transcoder reports it (for the channel page and tests). */
	public Optional<RunInfo> running(UUID channel) {
		return sessions.findFirstByChannelIdAndStateNot(channel, LiveSession.ENDED).map(SessionMonitor::info);
	}

	public static RunInfo info(LiveSession s) {
		List<RunInfo.Output> outputs = s.outputs() == null ? List.of()
				: s.outputs().lines().map(line -> line.split("\\|", 3)).filter(p -> p.length == 3)
					.map(p -> new RunInfo.Output(p[2], p[0].equals("up"), p[1].isEmpty() ? null : Long.valueOf(p[1])))
					.toList();
		List<RunInfo.PipelineInfo> pipelines = s.pipelines().stream()
			.map(p -> new RunInfo.PipelineInfo(p.name(), s.publisher() == p, s.transcoderId(p), s.generation(p),
					s.owner(p), s.encoderPid(p), s.heartbeatAt(p), s.newestSegment(p)))
			.toList();
		return new RunInfo(s.id(), s.transcoderId(), s.transcoderGeneration(), s.owner(), s.encoderPid(),
				s.workDir() == null ? null : java.nio.file.Path.of(s.workDir()), outputs, pipelines);
	}

	private void gauge(UUID channel) {
		ages.computeIfAbsent(channel, id -> {
			AtomicLong age = new AtomicLong();
			Gauge.builder("keyframe.live.manifest.age", age, a -> a.get() / 1000.0)
				.description("Now minus the newest segment's program date time, seconds")
				.tag("channel", id.toString())
				.baseUnit("seconds")
				.register(meters);
			return age;
		});
	}

	private void event(UUID session, String kind, String detail) {
		sessions.findById(session).ifPresent(s -> event(session, s.channelId(), kind, detail));
	}

	private void event(UUID session, UUID channel, String kind, String detail) {
		tx.executeWithoutResult(status -> events.save(new LiveEvent(channel, session, kind, detail, clock.instant())));
	}

	/**
	 * This instance stops. Relays close (their transcoders wait for the broadcaster to reconnect elsewhere). When
	 * the stand-ins run in this process too, nothing outlives it: the transcoders it launched are stopped and
	 * waited for, so they close their playlists and store recordings while storage is still up.
	 */
	@Override
	public void destroy() {
		relays.values().forEach(r -> r.abort("The live instance is stopping"));
		backups.values().forEach(r -> r.abort("The live instance is stopping"));
		if (!standInsHere) {
			return;
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		for (String id : launched.values()) {
			launcher.stop(id, "the platform is stopping");
		}
		for (String id : launched.values()) {
			while (launcher.alive(id) && System.nanoTime() < deadline) {
				try {
					Thread.sleep(200);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * What runs for a session.
	 *
	 * @param transcoder the transcoder instance's launcher id ({@code pid:<n>} locally, a task ARN on ECS)
	 * @param instance the transcoder instance's own id
	 * @param encoder the process id of its encoder (ffmpeg), null between encoders
	 * @param workDir where it works, on its host
	 */
	public record RunInfo(UUID session, @Nullable String transcoder, int generation, @Nullable String instance,
			@Nullable Long encoder, java.nio.file.@Nullable Path workDir, List<Output> outputs,
			List<PipelineInfo> pipelines) {

		/** The pipeline that publishes (with one pipeline, A). */
		public PipelineInfo publishing() {
			return pipelines.stream().filter(PipelineInfo::publishing).findFirst().orElse(pipelines.getFirst());
		}

		/** The pipeline named {@code name}: A or B. */
		public PipelineInfo pipeline(String name) {
			return pipelines.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
		}

		/**
		 * One of the session's pipelines, as its transcoder last reported.
		 *
		 * @param newestSegment its newest segment by the session's numbering; null while it is not in step
		 */
		public record PipelineInfo(String name, boolean publishing, @Nullable String transcoder, int generation,
				@Nullable String instance, @Nullable Long encoder, @Nullable Instant heartbeatAt,
				@Nullable Long newestSegment) {

			/** The transcoder instance's process id, when it runs on this host. */
			public @Nullable Long transcoderPid() {
				return transcoder != null && transcoder.startsWith("pid:") ? Long.valueOf(transcoder.substring(4)) : null;
			}

			/** Whether its heartbeat is recent (within three seconds of {@code now}). */
			public boolean beating(Instant now) {
				return heartbeatAt != null && heartbeatAt.isAfter(now.minusSeconds(3));
			}

		}


		/** The transcoder instance's process id, when it runs on this host. */
		public @Nullable Long transcoderPid() {
			return transcoder != null && transcoder.startsWith("pid:") ? Long.valueOf(transcoder.substring(4)) : null;
		}

		public record Output(String target, boolean up, @Nullable Long pid) {
		}

	}

}
