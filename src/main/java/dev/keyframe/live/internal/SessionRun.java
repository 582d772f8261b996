package dev.keyframe.live.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.MediaProbeException;
import dev.keyframe.platform.Rung;

/**
 * One live session while this instance runs it: the feed's bytes go to the transcoder, the recording and the
 * RTMP outputs; the transcoder is started when the feed's first bytes show what it carries, restarted if it dies
 * while the feed goes on, and ended when the feed stops.
 * <p>
 * State changes happen under the run's monitor; nothing that blocks (writing to a busy transcoder, waiting for a
 * process to end, stopping outputs) does. While a stopped feed's transcoder finishes its last segment, the run
 * takes no new feed, so two transcoders never write the same playlists.
 */
final class SessionRun {

	private static final Logger log = LoggerFactory.getLogger(SessionRun.class);

	/** How much of a feed's start is kept to learn what it carries before giving up on it. */
	private static final int MAX_PROBE_BYTES = 8 * 1024 * 1024;

	/** Holds the feed slot while the last feed's transcoder finishes. */
	private static final Object FINISHING = new Object();

	final UUID sessionId;

	final UUID channelId;

	final AssetId asset;

	final String title;

	final Path dir;

	final List<Rung> chosen;

	final List<String> outputs;

	final int reconnectWindowSeconds;

	final int listSize;

	/** How the encoder cuts parts, for a low-latency channel; null for a standard one. */
	final @Nullable LowLatency lowLatency;

	/** Which of the session's two pipelines this run is (docs/adr/0020); null when the session has one. */
	final @Nullable Pipeline pipeline;

	/** With two pipelines: this one's share in publishing; null with one. */
	private volatile @Nullable PipelinePublication publication;

	/** The timeline the running encoder reads: the feed connection's name, or the slate's. */
	private volatile String timeline = "none";

	private final StreamRuntime owner;

	private final AtomicLong bytes = new AtomicLong();

	private final ByteArrayOutputStream start = new ByteArrayOutputStream();

	private final List<RtmpOutput> rtmp = new ArrayList<>();

	private volatile @Nullable MediaInfo feed;

	private List<Rung> rungs = List.of();

	/** Holds back the running encoder's input until its first keyframe; null once through, or not needed. */
	private @Nullable KeyframeGate gate;

	/** The feed's first bytes as they come, for the passthrough decision. */
	private final VideoScan.Reader scanning = new VideoScan.Reader();

	/** What ffprobe found in the feed's first bytes, once it found video. */
	private @Nullable MediaInfo probed;

	/** Whether the top rung is the feed's own video; null until the feed's start shows it. */
	private volatile @Nullable Passthrough passthrough;

	private volatile @Nullable EncoderProcess transcoder;

	/** What the playlists show while the feed is away: a still picture and silence, at the ladder's sizes. */
	private volatile @Nullable EncoderProcess slate;

	private volatile @Nullable HlsPublisher publisher;

	private @Nullable OutputStream recording;

	/** The recording's parts, one per feed: each feed has a timeline of its own, joined when the session ends. */
	private final List<Path> recordingParts = new ArrayList<>();

	/** A feed came back: the next bytes start the recording's next part. */
	private boolean nextPart;

	private volatile @Nullable Object attached;

	/** A channel's second feed, connected but not on air: its bytes wait from its newest keyframe on. */
	private volatile @Nullable Input standby;

	/** While the output switches feeds: the feed that was on air, kept as the standby once the switch is done. */
	private @Nullable Input leaving;

	/** What the feed switched to sent since its keyframe: the encoder gets it before the feed's next bytes. */
	private byte @Nullable [] backlog;

	private boolean switching;

	/** The next encoder starts on a feed just switched to: it gets a KeyframeGate. */
	private boolean gateNext;

	private final InputSelector selector;

	private @Nullable ScheduledFuture<?> watching;

	private @Nullable ScheduledFuture<?> endTimer;

	private @Nullable ScheduledFuture<?> publishing;

	private int restarts;

	private volatile boolean ended;

	private long probedAt;

	/** When the first byte of the feed (as this instance got it) arrived at the live instance, epoch millis. */
	private long firstArrival;

	/** When the first byte the running encoder read arrived, epoch ms; 0 while the slate makes its own picture. */
	private volatile long runArrival;

	private boolean arrivalPending;

	/** The feed's timestamps as the running encoder reads them, against when they arrived. */
	private CaptureClock clock = new CaptureClock();

	/** Whether an encoder ran before the current one (it starts a clock of its own). */
	private boolean ran;

	SessionRun(StreamRuntime owner, UUID sessionId, UUID channelId, AssetId asset, String title, Path dir,
			List<Rung> chosen, List<String> outputs, int reconnectWindowSeconds, int listSize,
			@Nullable LowLatency lowLatency) {
		this(owner, sessionId, channelId, asset, title, dir, chosen, outputs, reconnectWindowSeconds, listSize,
				lowLatency, null);
	}

	SessionRun(StreamRuntime owner, UUID sessionId, UUID channelId, AssetId asset, String title, Path dir,
			List<Rung> chosen, List<String> outputs, int reconnectWindowSeconds, int listSize,
			@Nullable LowLatency lowLatency, @Nullable Pipeline pipeline) {
		this.pipeline = pipeline;
		this.lowLatency = lowLatency;
		this.owner = owner;
		this.sessionId = sessionId;
		this.channelId = channelId;
		this.asset = asset;
		this.title = title;
		this.dir = dir;
		this.chosen = chosen;
		this.outputs = outputs;
		this.reconnectWindowSeconds = reconnectWindowSeconds;
		this.listSize = listSize;
		this.selector = new InputSelector(owner.failover());
	}

	/** One connection of a feed to this session, in one of the channel's two roles. */
	static final class Input {

		final FeedRole role;

		final String protocol;

		/** The relayed connection's name: its timeline, the same in both pipelines. */
		final String name;

		final StandbyBuffer buffer = new StandbyBuffer();

		@Nullable FeedWatch watch;

		/** When its watch last started, monotonic ms: a watch that keeps dying is restarted at most every 5 s. */
		long watchStarted = Long.MIN_VALUE;

		/** Its connection ended: it is never taken as the standby again. */
		volatile boolean detached;

		Input(FeedRole role, String protocol, String name) {
			this.role = role;
			this.protocol = protocol;
			this.name = name;
		}

		@Override
		public String toString() {
			return role.label() + " feed";
		}

	}

	private static long now() {
		return System.nanoTime() / 1_000_000;
	}

	/**
	 * A feed connects to this session: false if it has ended, or another feed (or the last one's end) holds it.
	 * A slate that played meanwhile stops first, and what it made is published, before the feed's encoder
	 * continues the playlists: the feed's thread writes only after this returns.
	 */
	boolean attach(Object feed) {
		EncoderProcess playing;
		synchronized (this) {
			if (ended) {
				return false;
			}
			if (attached != null) {
				return standingBy(feed);
			}
			if (feed instanceof Input input && standby != null && standby.role == input.role) {
				return false; // a newer connection in the standby's role: the relay server drops the older one first
			}
			attached = feed;
			if (feed instanceof Input input) {
				selector.connected(input.role, now());
				if (standby != null) {
					watch(input);
				}
			}
			if (endTimer != null) {
				endTimer.cancel(false);
				endTimer = null;
			}
			playing = slate;
			slate = null;
			nextPart = this.feed != null;
		}
		if (playing != null) {
			playing.stop(java.time.Duration.ofSeconds(5));
			publish();
		}
		return true;
	}

	/**
	 * Under the monitor, with a feed on air: takes {@code feed} as the standby if it is the channel's other role and
	 * none is connected, and starts watching both.
	 */
	private boolean standingBy(Object feed) {
		if (!(feed instanceof Input input) || !(attached instanceof Input onAir) || input.role == onAir.role
				|| standby != null || leaving != null || switching) {
			return false;
		}
		standby = input;
		selector.connected(input.role, now());
		watch(onAir);
		watch(input);
		if (watching == null) {
			watching = owner.schedulePublishing(this::checkInputs, 200);
		}
		try {
			owner.event(this, "FEED_CONNECTED", "The " + input + " connected and stands by"
					+ (input.role == FeedRole.BACKUP ? "; it goes on air if the primary fails."
							: "; it goes back on air once healthy for " + owner.failover().hold().toSeconds() + " s."));
		}
		catch (RuntimeException ex) {
			log.warn("The FEED_CONNECTED event of live session {} could not be recorded: {}", sessionId, ex.toString());
		}
		return true;
	}

	/** Under the monitor: starts watching the feed's picture and sound, unless that runs already. */
	private void watch(Input input) {
		FeedWatch current = input.watch;
		if (current != null && current.alive() || input.detached
				|| input.watchStarted != Long.MIN_VALUE && now() - input.watchStarted < 5000) {
			return;
		}
		if (current != null) {
			current.close();
			input.watch = null;
		}
		input.watchStarted = now();
		try {
			input.watch = owner.watch(this, input.role.label(), new FeedWatch.Listener() {
				@Override
				public void picture(boolean black) {
					selector.picture(input.role, black, now());
				}

				@Override
				public void sound(boolean silent) {
					selector.sound(input.role, silent, now() - (silent ? FeedWatch.SILENCE_MIN_MS : 0));
				}
			});
		}
		catch (RuntimeException ex) {
			log.warn("The {} of live session {} cannot be watched for black and silence: {}", input, sessionId,
					ex.toString());
		}
	}

	/**
	 * Five times a second while the channel has two feeds: switches the output when the selector says so, and puts
	 * the standby on air when the feed that was on air has gone (the slate plays meanwhile).
	 */
	private void checkInputs() {
		Input next;
		String why;
		Object seen;
		synchronized (this) {
			seen = attached;
			Input waiting = standby;
			if (ended || switching || this.feed == null || waiting == null) {
				return;
			}
			watch(waiting);
			if (attached == null) {
				if (!waiting.buffer.ready() || selector.fault(waiting.role, now()) != null) {
					return;
				}
				next = waiting;
				why = "the " + waiting.role.other().label() + " feed went away";
			}
			else {
				if (!(attached instanceof Input onAir) || transcoder == null) {
					return;
				}
				watch(onAir);
				var decided = selector.decide(onAir.role, now());
				if (decided.isEmpty() || decided.get().to() != waiting.role || !waiting.buffer.ready()) {
					return;
				}
				next = waiting;
				why = decided.get().why();
			}
		}
		Thread.ofVirtual().name("feed-switch").start(() -> switchTo(seen, next, why, false));
	}

	/**
	 * Puts {@code next}, the standby, on air: the encoder of the feed on air (or the slate) finishes its last
	 * segment and is published, then a new encoder continues the playlists, after a discontinuity, from
	 * {@code next}'s newest keyframe. The feed that was on air stands by, unless it is gone ({@code gone}). While
	 * the switch runs, both feeds' bytes are kept as a standby's are, so nothing of {@code next} is lost.
	 */
	private void switchTo(@Nullable Object expected, Input next, String why, boolean gone) {
		EncoderProcess finishing;
		EncoderProcess playing;
		Input was;
		synchronized (this) {
			// decided on what was on air then: if that changed meanwhile (a feed came back), the decision is stale
			if (ended || switching || standby != next || attached != expected || next.detached
					|| attached != null && !(attached instanceof Input)) {
				return;
			}
			was = attached instanceof Input onAir ? onAir : null;
			switching = true;
			leaving = gone || was == null || was.detached ? null : was;
			attached = FINISHING;
			finishing = transcoder;
			transcoder = null;
			playing = slate;
			slate = null;
			if (endTimer != null) {
				endTimer.cancel(false);
				endTimer = null;
			}
		}
		long started = System.nanoTime();
		if (finishing != null) {
			finish(finishing, 5);
		}
		if (playing != null) {
			playing.stop(java.time.Duration.ofSeconds(5));
		}
		publish();
		synchronized (this) {
			switching = false;
			if (ended) {
				return;
			}
			if (standby != next) {
				// the feed switched to went away meanwhile
				standby = leaving;
				leaving = null;
				attached = null;
				awayLocked("The feeds went away");
				return;
			}
			attached = next;
			standby = leaving;
			leaving = null;
			byte[] from = next.buffer.drain();
			backlog = from.length > 0 ? from : null;
			gateNext = true;
			nextPart = true;
		}
		if (was == null) {
			owner.attached(this, next.protocol); // the session is live again, no longer waiting for a reconnect
		}
		String kind = next.role == FeedRole.BACKUP ? "FAILOVER" : "FAILBACK";
		log.info("Live session {} switched to its {} ({}) in {} ms", sessionId, next, why,
				(System.nanoTime() - started) / 1_000_000);
		owner.event(this, kind, "On air: the " + next + ", because " + why + ". The playlists continue after a "
				+ "discontinuity" + (was == null ? ", in place of the slate." : gone ? "." : "; the " + was + " stands by."));
	}

	/**
	 * Lets an encoder finish: its input closes (on a thread of its own: a feed thread blocked writing to a stalled
	 * encoder holds the stream's lock) and it has {@code seconds} to write its last segment, else it is killed,
	 * which also frees that feed thread.
	 */
	private static void finish(EncoderProcess encoder, int seconds) {
		Thread.ofVirtual().name("encoder-close").start(() -> {
			try {
				encoder.input().close();
			}
			catch (IOException ex) {
				// it is gone already
			}
		});
		try {
			encoder.exit().get(seconds, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			encoder.kill();
		}
	}

	/** Under the monitor, no feed on air: the slate and the reconnect window, or the end when there is none. */
	private void awayLocked(String reason) {
		if (reconnectWindowSeconds > 0 && this.feed != null) {
			startSlate();
			owner.reconnecting(this, reason);
			endTimer = owner.schedule(() -> endIfStillAway(reason), reconnectWindowSeconds);
		}
		else {
			owner.endLater(this, reason);
		}
	}

	/** Under the monitor: the feed is no longer watched. */
	private static void stopWatching(Input input) {
		FeedWatch watch = input.watch;
		input.watch = null;
		if (watch != null) {
			watch.close();
		}
	}

	/** The copied top rung, when the feed's own video is one; null otherwise or before the feed showed it. */
	Passthrough.@Nullable On copied() {
		return passthrough instanceof Passthrough.On on ? on : null;
	}

	/** Whether {@code feed} is the one on air (not standing by). */
	boolean onAir(Object feed) {
		return attached == feed;
	}

	/** No feed, not ended: the reconnect window is open. */
	boolean reconnecting() {
		return attached == null && !ended;
	}

	boolean ended() {
		return ended;
	}

	/**
	 * The feed's next bytes. Only the feed's own thread calls this. The write to the transcoder, which blocks when
	 * the transcoder is slow or stopped, happens outside the run's monitor, so the heartbeat, the channel page and
	 * the session's end never wait for it.
	 */
	void write(Object feed, byte[] chunk, int length, long arrivedAt) throws IOException {
		EncoderProcess target;
		byte[] data = chunk;
		int size = length;
		long fedArrival = arrivedAt;
		synchronized (this) {
			if (!ended && feed instanceof Input input && (feed == standby || feed == leaving)) {
				// the feed that stands by: kept from its newest keyframe, watched, not on air
				selector.data(input.role, now());
				input.buffer.add(chunk, length, arrivedAt);
				if (input.watch != null) {
					input.watch.offer(chunk, length);
				}
				return;
			}
			if (attached != feed || ended) {
				throw new IOException("This feed no longer belongs to the session.");
			}
			if (feed instanceof Input input) {
				selector.data(input.role, now());
				if (input.watch != null) {
					input.watch.offer(chunk, length);
				}
			}
			bytes.addAndGet(length);
			boolean switchedIn = false;
			if (backlog != null && this.feed != null) {
				switchedIn = true;
				// the feed just switched to: from its newest keyframe, then these bytes
				byte[] joined = java.util.Arrays.copyOf(backlog, backlog.length + length);
				System.arraycopy(chunk, 0, joined, backlog.length, length);
				backlog = null;
				data = joined;
				size = joined.length;
			}
			boolean clocked = false;
			if (this.feed == null) {
				if (start.size() == 0) {
					firstArrival = arrivedAt;
				}
				fedArrival = firstArrival;
				clock.feed(chunk, length, arrivedAt); // each chunk as it arrives, while the start is buffered
				clocked = true;
				byte[] buffered = started(chunk, length);
				if (buffered == null) {
					return;
				}
				data = buffered;
				size = buffered.length;
			}
			if (nextPart && recording != null) {
				recording.close();
				recording = part();
				nextPart = false;
			}
			if (recording != null) {
				recording.write(data, 0, size);
			}
			List<RtmpOutput> targets = outputs();
			if (!targets.isEmpty()) {
				byte[] copy = java.util.Arrays.copyOf(data, size);
				targets.forEach(output -> output.offer(copy));
			}
			if (transcoder == null) {
				launch(switchedIn || gateNext);
				gateNext = false;
			}
			if (!clocked) {
				clock.feed(data, size, arrivedAt);
			}
			if (arrivalPending) {
				// the encoder's first frame is from when these bytes arrived: its segments are dated from that
				runArrival = fedArrival;
				arrivalPending = false;
			}
			target = transcoder;
		}
		for (int attempt = 0; attempt < 2 && target != null; attempt++) {
			try {
				byte[] piece = gated(target, data, size);
				if (piece == null) {
					target.input().write(data, 0, size);
				}
				else {
					target.input().write(piece, 0, piece.length);
				}
				return;
			}
			catch (IOException ex) {
				target = transcoderDied(target, feed);
			}
		}
	}

	/**
	 * Collects the feed's first bytes until they show what it carries, then sets the session up for it.
	 * @return every byte so far once the transcoder can start, else null
	 */
	private byte @Nullable [] started(byte[] chunk, int length) throws IOException {
		start.write(chunk, 0, length);
		scanning.feed(chunk, length);
		MediaInfo info = probed;
		if (info == null) {
			if (start.size() - probedAt < 256 * 1024 && start.size() < MAX_PROBE_BYTES) {
				return null;
			}
			probedAt = start.size();
			try {
				info = owner.probe(dir, start.toByteArray());
			}
			catch (MediaProbeException ex) {
				if (start.size() >= MAX_PROBE_BYTES) {
					throw new BadFeed("The feed is not MPEG-TS with a video stream Keyframe can read: " + ex.getMessage());
				}
				return null;
			}
			if (info.video() == null || info.video().width() <= 0 || info.video().height() <= 0) {
				if (start.size() >= MAX_PROBE_BYTES) {
					throw new BadFeed("The feed carries no video Keyframe can read.");
				}
				return null;
			}
			probed = info;
		}
		MediaInfo.Video video = java.util.Objects.requireNonNull(info.video());
		Passthrough decided = pipeline != null
				? new Passthrough.Off("two pipelines encode every rung, so that both cut the same segments.")
				: owner.passthrough() ? Passthrough.decide(video, scanning.scan(),
				chosen, owner.segmentSeconds(), lowLatency != null, start.size() >= MAX_PROBE_BYTES)
				: new Passthrough.Off("passthrough is turned off (keyframe.live.passthrough).");
		if (decided == null) {
			return null; // the feed's keyframe interval is not known yet: a second or two more
		}
		passthrough = decided;
		this.feed = info;
		this.rungs = decided instanceof Passthrough.On on ? Passthrough.ladder(on, chosen)
				: LiveCommand.rungs(chosen, video);
		Files.createDirectories(dir);
		recording = part();
		if (pipeline != null) {
			publication = owner.publication(this, rungs, info, pipeline);
		}
		else {
			publisher = owner.publisher(this, rungs, info);
		}
		// a part is half a second: looking every 200 ms would add up to a fifth of a second to its latency
		publishing = owner.schedulePublishing(this::publish, lowLatency != null ? 50 : 200);
		for (String target : outputs) {
			RtmpOutput output = owner.rtmpOutput(this, target, "h264".equals(video.codec()));
			synchronized (rtmp) {
				rtmp.add(output);
			}
		}
		owner.picture(this, video);
		if (decided instanceof Passthrough.On on) {
			owner.event(this, "PASSTHROUGH", on.detail());
		}
		else if (decided instanceof Passthrough.Off off) {
			owner.event(this, "NO_PASSTHROUGH", "Every rung is encoded: " + off.reason());
		}
		byte[] buffered = start.toByteArray();
		start.reset();
		launch(false);
		return buffered;
	}

	/**
	 * The transcoder ended while the feed goes on: start another that continues the playlists.
	 * @return the transcoder to write to now, or null
	 */
	private synchronized @Nullable EncoderProcess transcoderDied(EncoderProcess dead, @Nullable Object feed) {
		if (feed != null && attached != feed) {
			return null; // another feed is on air now: its encoder is not this feed's to write to
		}
		if (transcoder != dead || ended || attached == null || attached == FINISHING) {
			return transcoder;
		}
		transcoder = null;
		restarts++;
		if (restarts > owner.maxRestarts()) {
			owner.event(this, "TRANSCODER_FAILED", "The transcoder died " + restarts + " times; the session ends.");
			owner.endLater(this, "The transcoder kept failing");
			return null;
		}
		owner.restarted(this, dead.id(), restarts);
		launch(false);
		return transcoder;
	}

	/** Starts an encoder on the feed on air; {@code switched}: it begins with a feed just switched to. */
	private void launch(boolean switched) {
		MediaInfo info = feed;
		if (info == null) {
			return;
		}
		// a copied rung cut into parts by time needs the encoder's input to start at a keyframe (KeyframeGate), and so
		// does one that starts on another feed: the audio from before its keyframe goes
		gate = switched || lowLatency != null && copied() != null ? new KeyframeGate() : null;
		EncoderProcess started = owner.launch(this, rungs, info);
		timeline = attached instanceof Input input ? input.name : "feed";
		arrivalPending = true;
		if (ran) {
			clock = new CaptureClock(); // this encoder's first frame is in the bytes from now on
			newRun();
		}
		ran = true;
		transcoder = started;
		started.exit().thenAccept(code -> {
			if (transcoder == started && attached != null && attached != FINISHING && !ended) {
				log.warn("Encoder {} of live session {} exited ({}) while the feed goes on", started.id(), sessionId,
						code);
				transcoderDied(started, null);
			}
		});
	}

	/** What of these bytes the encoder gets: null for all of them, else what its gate lets through. */
	private synchronized byte @Nullable [] gated(EncoderProcess target, byte[] data, int size) {
		KeyframeGate current = gate;
		if (target != transcoder || current == null) {
			return null;
		}
		byte[] passed = current.filter(data, size);
		if (current.through()) {
			gate = null;
		}
		return passed;
	}

	/** The feed stopped: the transcoder finishes what it has; the session waits for a reconnect, or ends. */
	void detach(Object feed, String reason) {
		EncoderProcess finishing;
		Input takeOver = null;
		synchronized (this) {
			if (feed instanceof Input input) {
				input.detached = true;
				if (feed == standby || feed == leaving) {
					if (feed == standby) {
						standby = null;
					}
					else {
						leaving = null;
					}
					selector.disconnected(input.role);
					stopWatching(input);
					if (!ended) {
						owner.event(this, "FEED_LOST", "The " + input + ", standing by, went away: " + reason + ".");
					}
					return;
				}
				if (attached == feed) {
					selector.disconnected(input.role);
					stopWatching(input);
					backlog = null; // what it was to start with, if it never wrote
					Input other = standby;
					if (other != null && !ended && this.feed != null && other.buffer.ready()
							&& selector.fault(other.role, now()) == null) {
						takeOver = other;
					}
				}
			}
		}
		if (takeOver != null) {
			switchTo(feed, takeOver, "the " + feed + " went away (" + reason + ")", true);
			return;
		}
		synchronized (this) {
			if (attached != feed || ended) {
				return;
			}
			attached = FINISHING;
			finishing = transcoder;
			transcoder = null;
		}
		if (finishing != null) {
			finish(finishing, 15);
		}
		publish();
		synchronized (this) {
			if (attached != FINISHING || ended) {
				return;
			}
			attached = null;
			if (reconnectWindowSeconds > 0 && this.feed != null) {
				startSlate();
				owner.reconnecting(this, reason);
				endTimer = owner.schedule(() -> endIfStillAway(reason), reconnectWindowSeconds);
				return;
			}
		}
		endNow(reason);
	}

	/** Under the monitor, while no feed is attached: the slate continues the playlists in real time. */
	private void startSlate() {
		MediaInfo info = feed;
		if (info == null || slate != null) {
			return;
		}
		try {
			slate = owner.slate(this, rungs, info);
			timeline = "slate-" + java.util.UUID.randomUUID(); // this pipeline's own picture: no other has it
			newRun();
			runArrival = 0; // made now, dated as the encoder dates it
			arrivalPending = false;
		}
		catch (RuntimeException ex) {
			log.warn("The slate of live session {} could not start; the playlists wait for the feed: {}", sessionId,
					ex.toString());
		}
	}

	/**
	 * Tells the publisher that another encoder run continues the playlists, after a discontinuity of its own. With
	 * two pipelines the numbering knows where a run's segments go on in step, and lists a seam itself.
	 */
	private void newRun() {
		if (pipeline != null) {
			return;
		}
		HlsPublisher current = publisher;
		if (current != null) {
			current.newRun();
		}
	}

	/** Opens the recording's next part. Under the monitor. */
	private OutputStream part() throws IOException {
		Path next = dir.resolve("recording-" + (recordingParts.size() + 1) + ".ts");
		recordingParts.add(next);
		return Files.newOutputStream(next, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
	}

	/** The recording's parts in order, once the session has ended (then nothing writes them). */
	synchronized List<Path> recordingParts() {
		return List.copyOf(recordingParts);
	}

	/** Whether the slate plays now. */
	boolean slating() {
		return slate != null;
	}

	private void endIfStillAway(String reason) {
		synchronized (this) {
			if (attached != null || ended) {
				return;
			}
		}
		endNow(reason + "; no reconnect within " + reconnectWindowSeconds + " s");
	}

	/** Ends the session: closes the playlists, stops outputs, hands the recording over. Once. */
	void endNow(String reason) {
		List<RtmpOutput> targets = halt();
		if (targets == null) {
			return;
		}
		// outputs stop side by side: one stuck target does not hold up the others
		List<Thread> stopping = targets.stream().map(o -> Thread.ofVirtual().start(o::stop)).toList();
		for (Thread thread : stopping) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		synchronized (this) {
			try {
				if (recording != null) {
					recording.close();
				}
			}
			catch (IOException ex) {
				log.warn("Closing the recording of {} failed: {}", sessionId, ex.toString());
			}
		}
		owner.ended(this, reason, publisher());
	}

	/** Stops everything without ending the session: another transcoder instance serves it now. */
	void abandon() {
		List<RtmpOutput> targets = halt();
		if (targets != null) {
			targets.forEach(RtmpOutput::stop);
		}
	}

	/**
	 * Marks the run ended (once), stops its timers and kills its encoder.
	 * @return the outputs to stop, or null when it had ended already
	 */
	private @Nullable List<RtmpOutput> halt() {
		EncoderProcess current;
		EncoderProcess playing;
		List<RtmpOutput> targets;
		synchronized (this) {
			if (ended) {
				return null;
			}
			ended = true;
			if (attached instanceof Input input) {
				stopWatching(input);
			}
			for (Input other : new Input[] { standby, leaving }) {
				if (other != null) {
					stopWatching(other);
				}
			}
			attached = null;
			standby = null;
			leaving = null;
			backlog = null;
			if (watching != null) {
				watching.cancel(false);
			}
			if (endTimer != null) {
				endTimer.cancel(false);
			}
			if (publishing != null) {
				publishing.cancel(false);
			}
			current = transcoder;
			transcoder = null;
			targets = outputs();
			playing = slate;
			slate = null;
		}
		if (playing != null) {
			playing.kill();
		}
		if (current != null) {
			current.kill();
		}
		return targets;
	}

	void publish() {
		PipelinePublication shared = publication;
		if (shared != null) {
			shared.round();
			return;
		}
		HlsPublisher current = publisher;
		if (current != null) {
			current.publish();
		}
	}

	/** With two pipelines, this one's share in publishing; null with one, or before the feed showed what it is. */
	@Nullable PipelinePublication publication() {
		return publication;
	}

	/** Whether this run publishes the session: always with one pipeline, else while its pipeline does. */
	boolean publishing() {
		PipelinePublication shared = publication;
		return pipeline == null || shared != null && shared.publishing();
	}

	/**
	 * When the running encoder's first frame was captured, epoch ms, for dating its segments: by the feed's
	 * timestamps on the feed's clock ({@link CaptureClock}), else when its first byte arrived; 0 for the slate,
	 * which is dated as the encoder dates it.
	 */
	synchronized long runCapture() {
		if (runArrival == 0) {
			return 0;
		}
		long captured = clock.firstFrameCapturedAt();
		return captured > 0 ? captured : runArrival;
	}

	long bytes() {
		return bytes.get();
	}

	/** The timeline the running encoder reads (see {@link PipelineNumbering}). */
	String timeline() {
		return timeline;
	}

	@Nullable HlsPublisher publisher() {
		PipelinePublication shared = publication;
		return shared != null ? shared.publisher() : publisher;
	}

	@Nullable EncoderProcess transcoder() {
		return transcoder;
	}

	List<RtmpOutput> outputs() {
		synchronized (rtmp) {
			return List.copyOf(rtmp);
		}
	}

}
