package dev.keyframe.live;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.keyframe.live.internal.Channel;
import dev.keyframe.live.internal.Channels;
import dev.keyframe.live.internal.LiveEvent;
import dev.keyframe.live.internal.LiveEvents;
import dev.keyframe.live.internal.LiveSession;
import dev.keyframe.live.internal.SessionMonitor;
import dev.keyframe.live.internal.Sessions;
import dev.keyframe.live.internal.StreamKeys;
import dev.keyframe.live.ingest.IngestProtocol;
import dev.keyframe.platform.Conflict;
import dev.keyframe.platform.NotFound;
import dev.keyframe.platform.Rung;

/** Channels: created and configured by editors, each with a stream key shown once and rotatable. */
@Service
public class LiveChannels {

	private final Channels channels;

	private final Sessions sessions;

	private final LiveEvents events;

	private final LiveSettings settings;

	private final List<IngestProtocol> protocols;

	private final TransactionTemplate tx;

	private final Clock clock;

	LiveChannels(Channels channels, Sessions sessions, LiveEvents events, LiveSettings settings,
			List<IngestProtocol> protocols, TransactionTemplate tx, Optional<Clock> clock) {
		this.channels = channels;
		this.protocols = protocols.stream().filter(IngestProtocol::enabled).toList();
		this.sessions = sessions;
		this.events = events;
		this.settings = settings;
		this.tx = tx;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	/** The rungs a channel can choose from, tallest first. */
	public List<String> rungs() {
		return settings.ladder().stream().map(Rung::name).toList();
	}

	public IssuedKey create(NewChannel channel, @Nullable String by) {
		NewChannel valid = channel.validated(rungs());
		String key = StreamKeys.generate();
		String passphrase = StreamKeys.passphrase();
		Channel saved = tx.execute(status -> channels.save(new Channel(valid.title(), valid.ladder(), valid.rtmpOutputs(),
				valid.reconnectWindowSeconds(), valid.dvrWindowSeconds(), valid.latency(), valid.pipelines(), StreamKeys.hash(key), StreamKeys.prefix(key),
				passphrase, by, clock.instant())));
		return issued(saved, key, passphrase);
	}

	public ChannelView update(UUID id, NewChannel channel) {
		NewChannel valid = channel.validated(rungs());
		return tx.execute(status -> {
			Channel found = load(id);
			found.configure(valid.title(), valid.ladder(), valid.rtmpOutputs(), valid.reconnectWindowSeconds(),
					valid.dvrWindowSeconds(), valid.latency(), valid.pipelines(), clock.instant());
			return view(channels.saveAndFlush(found));
		});
	}

	/**
	 * A new key and SRT passphrase; the old ones stop working at once (a session running on them goes on until its
	 * feed stops).
	 */
	public IssuedKey rotateKey(UUID id) {
		String key = StreamKeys.generate();
		String passphrase = StreamKeys.passphrase();
		Channel rotated = tx.execute(status -> {
			Channel found = load(id);
			found.rekey(StreamKeys.hash(key), StreamKeys.prefix(key), passphrase, clock.instant());
			events.save(new LiveEvent(id, null, "KEY_ROTATED",
					"The stream key and SRT passphrase were replaced; the old ones no longer work.", clock.instant()));
			return found;
		});
		return issued(rotated, key, passphrase);
	}

	public List<ChannelView> list() {
		return channels.findAllByOrderByCreatedAtDesc().stream().map(this::view).toList();
	}

	public ChannelView get(UUID id) {
		return view(load(id));
	}

	public List<EventView> events(UUID id) {
		load(id);
		return events.findTop50ByChannelIdOrderByAtDesc(id).stream().map(LiveEvent::view).toList();
	}

	public List<SessionView> sessions(UUID id) {
		load(id);
		return sessions.findTop20ByChannelIdOrderByStartedAtDesc(id).stream().map(LiveSession::view).toList();
	}

	/** Deletes a channel that is not live; its sessions' assets stay in the catalog. */
	public void delete(UUID id) {
		tx.executeWithoutResult(status -> {
			Channel found = load(id);
			if (sessions.findFirstByChannelIdAndStateNot(id, LiveSession.ENDED).isPresent()) {
				throw new Conflict("The channel is live. Stop the feed, then delete it.");
			}
			channels.delete(found);
		});
	}

	private IssuedKey issued(Channel channel, String key, String passphrase) {
		return new IssuedKey(view(channel), key, passphrase, ingest(key, passphrase));
	}

	/** Where broadcasters push with {@code key} and {@code passphrase}, one entry per enabled ingest protocol. */
	private List<IngestUrl> ingest(String key, String passphrase) {
		return protocols.stream().map(protocol -> protocol.url(key, passphrase)).toList();
	}

	private Channel load(UUID id) {
		return channels.findById(id)
			.orElseThrow(() -> new NotFound("There is no live channel " + id + "."));
	}

	private ChannelView view(Channel channel) {
		SessionView session = sessions.findFirstByChannelIdOrderByStartedAtDesc(channel.id())
			.map(LiveSession::view)
			.orElse(null);
		String state = session == null || session.state().equals(LiveSession.ENDED) ? "IDLE" : session.state();
		return new ChannelView(channel.id(), channel.title(), channel.ladder(), channel.rtmpOutputs(),
				channel.reconnectWindowSeconds(), channel.dvrWindowSeconds(), channel.latency(), channel.pipelines(), channel.keyPrefix(), channel.keyRotatedAt(),
				state, session, ingest("{stream key}", "{passphrase}"), channel.srtPassphrase() != null,
				channel.createdAt());
	}

	/** What runs for the channel's current session, wherever it runs. */
	public Optional<SessionMonitor.RunInfo> running(UUID id) {
		return sessions.findFirstByChannelIdAndStateNot(id, LiveSession.ENDED).map(SessionMonitor::info);
	}

	/** Kills the encoder of a channel's session as if it crashed, when it runs on this host (for tests and drills). */
	public boolean killEncoder(UUID id) {
		return running(id).map(SessionMonitor.RunInfo::encoder)
			.flatMap(ProcessHandle::of)
			.map(ProcessHandle::destroyForcibly)
			.orElse(false);
	}

}
