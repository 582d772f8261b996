package dev.keyframe.live.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.live.LiveSettings;
import dev.keyframe.platform.ConditionalOnRole;
import dev.keyframe.platform.Instance;
import dev.keyframe.platform.Role;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Lets feeds in on a live instance: a feed with a known stream key opens its channel's session (or, when the
 * session is waiting for its broadcaster, or the live instance that relayed it is gone, resumes it, whichever live
 * instance the broadcaster reaches); a feed with an unknown key is refused before anything starts. A new session's
 * transcoder instance is launched at once and the feed is relayed to it as soon as it is up.
 */
@Component
@ConditionalOnRole(Role.LIVE)
public class Admission {

	private static final Logger log = LoggerFactory.getLogger(Admission.class);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Channels channels;

	private final Sessions sessions;

	private final LiveEvents events;

	private final AssetManagement assets;

	private final SessionMonitor monitor;

	private final LiveSettings settings;

	private final Instance instance;

	private final TransactionTemplate tx;

	private final MeterRegistry meters;

	private final Clock clock;

	private final Map<UUID, Object> locks = new ConcurrentHashMap<>();

	Admission(Channels channels, Sessions sessions, LiveEvents events, AssetManagement assets, SessionMonitor monitor,
			LiveSettings settings, Instance instance, TransactionTemplate tx, MeterRegistry meters,
			Optional<Clock> clock) {
		this.channels = channels;
		this.sessions = sessions;
		this.events = events;
		this.assets = assets;
		this.monitor = monitor;
		this.settings = settings;
		this.instance = instance;
		this.tx = tx;
		this.meters = meters;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/**
	 * A feed arrives with {@code presented}: a stream key, the primary feed, or a key and {@code -backup}, the
	 * channel's backup feed (see {@link FeedRole}).
	 * @throws Refused when the key is unknown (nothing is started) or the channel already has a feed in that role
	 */
	public Feed open(String presented, String protocol) {
		FeedRole role = FeedRole.of(presented);
		String key = FeedRole.key(presented);
		Channel channel = channels.findByKeyHash(StreamKeys.hash(key)).orElseThrow(() -> {
			meters.counter("keyframe.live.refused", "reason", "unknown-key").increment();
			return new Refused(403, "Unknown stream key.");
		});
		synchronized (locks.computeIfAbsent(channel.id(), id -> new Object())) {
			Optional<LiveSession> active = sessions.findFirstByChannelIdAndStateNot(channel.id(), LiveSession.ENDED);
			if (active.isPresent()) {
				return resume(channel, active.get(), protocol, role);
			}
			return start(channel, protocol, role);
		}
	}

	/**
	 * The SRT passphrase of the channel whose stream key is {@code key}, for a protocol that checks it in its own
	 * handshake before the feed is opened.
	 * @throws Refused when the key is unknown, or the channel has no passphrase yet (its key predates SRT ingest)
	 */
	public String srtPassphrase(String presented) {
		String key = FeedRole.key(presented);
		Channel channel = channels.findByKeyHash(StreamKeys.hash(key)).orElseThrow(() -> {
			meters.counter("keyframe.live.refused", "reason", "unknown-key").increment();
			return new Refused(403, "Unknown stream key.");
		});
		String passphrase = channel.srtPassphrase();
		if (passphrase == null) {
			meters.counter("keyframe.live.refused", "reason", "no-passphrase").increment();
			throw new Refused(403, "Channel " + channel.id() + " has no SRT passphrase yet: replace its stream key to get "
					+ "one, or push over RTMP or HTTP.");
		}
		return passphrase;
	}

	private Feed resume(Channel channel, LiveSession session, String protocol, FeedRole role) {
		Optional<Relay> mine = monitor.relayOf(session.id(), role);
		if (mine.isPresent()) {
			// the last feed's relay may still be handing over its end: give it a moment
			long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			while (mine.get().open() && System.nanoTime() < deadline) {
				sleep(100);
			}
			if (mine.get().open()) {
				throw busy(role == FeedRole.BACKUP ? "This channel already has a backup feed. One backup at a time."
						: "This channel already has a live feed. One feed at a time (send a second one as the backup: "
								+ "the stream key with " + FeedRole.BACKUP_SUFFIX + " after it).");
			}
		}
		if (role == FeedRole.BACKUP) {
			// the primary's relay keeps the session's ingest record; the backup joins the transcoder beside it
			log.info("Live session {} of channel {} takes a backup feed over {}", session.id(), channel.id(), protocol);
			return new Feed(monitor.relay(session.id(), channel.id(), protocol, role), protocol);
		}
		Instant relayed = session.ingestHeartbeatAt();
		boolean elsewhere = session.ingestInstance() != null && !session.ingestInstance().equals(instance.id())
				&& relayed != null && relayed.isAfter(clock.instant().minus(settings.transcoderLostAfter()));
		if (elsewhere && session.state().equals(LiveSession.LIVE)) {
			throw busy("This channel is live through another ingest instance. One feed at a time (send a second one as "
					+ "the backup: the stream key with " + FeedRole.BACKUP_SUFFIX + " after it).");
		}
		tx.executeWithoutResult(status -> sessions.findById(session.id())
			.ifPresent(s -> s.relayedBy(instance.id(), protocol, clock.instant())));
		log.info("Live session {} of channel {} continues with a feed over {}", session.id(), channel.id(), protocol);
		return new Feed(monitor.relay(session.id(), channel.id(), protocol, role), protocol);
	}

	private Feed start(Channel channel, String protocol, FeedRole role) {
		UUID sessionId = UUID.randomUUID();
		String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(clock.instant().atZone(ZoneOffset.UTC));
		byte[] secret = new byte[24];
		RANDOM.nextBytes(secret);
		try {
			// one transaction: a session another instance started for this channel (the unique index) leaves nothing
			tx.executeWithoutResult(status -> {
				AssetId created = assets.createLive(channel.title() + " \u2014 live " + when + " UTC", "live.m3u8");
				sessions.saveAndFlush(new LiveSession(sessionId, channel.id(), created.value(), protocol, channel.latency(),
						channel.pipelines(), instance.id(), HexFormat.of().formatHex(secret), clock.instant()));
			});
		}
		catch (org.springframework.dao.DataIntegrityViolationException ex) {
			throw busy("This channel is live on another instance. One feed at a time.");
		}
		meters.counter("keyframe.live.sessions").increment();
		tx.executeWithoutResult(status -> events.save(new LiveEvent(channel.id(), sessionId, "STARTED",
				(role == FeedRole.BACKUP ? "The backup feed" : "A feed") + " arrived over " + StreamRuntime.label(protocol)
						+ "; the session started.", clock.instant())));
		log.info("Live session {} of channel {} started ({})", sessionId, channel.id(), protocol);
		Relay relay = monitor.relay(sessionId, channel.id(), protocol, role);
		monitor.launch(sessionId, Pipeline.A, 1);
		if (channel.pipelines() == 2) {
			monitor.launch(sessionId, Pipeline.B, 1);
		}
		return new Feed(relay, protocol);
	}

	private Refused busy(String message) {
		meters.counter("keyframe.live.refused", "reason", "busy").increment();
		return new Refused(409, message);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
