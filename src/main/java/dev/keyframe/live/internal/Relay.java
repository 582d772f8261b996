package dev.keyframe.live.internal;

import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live instance's end of a feed: carries the broadcaster's bytes to the session's transcoder instance over
 * TCP (docs/adr/0013). Bytes wait in a bounded buffer while the transcoder starts or is replaced, so a feed that
 * arrives before its transcoder is up, or outlives one, loses nothing; a full buffer slows the broadcaster down
 * rather than dropping data. The protocol is a line ({@code KFRELAY 1 <session> <generation> <token> <protocol>},
 * then {@code backup} for a channel's backup feed, and {@code feed=<id>} naming this connection of the feed),
 * answered {@code OK} or refused, then frames: {@code D <arrival ms> <length> <bytes>} for data and {@code E <reason>} when the
 * feed ends. The transcoder writes a line back when it stops the feed: {@code BAD <why>} or {@code END <why>}.
 *
 * <p>A session with two pipelines (docs/adr/0020) is relayed to both transcoders, each through a leg of its own:
 * one leg's transcoder being replaced or stalled holds up neither the other nor the broadcaster, so a leg whose
 * buffer fills drops what it holds and carries on from the newest bytes (its pipeline falls out of step and finds
 * its way back at its next segment on the grid). The generation in the header is {@code B<n>} for pipeline B.
 */
final class Relay {

	private static final Logger log = LoggerFactory.getLogger(Relay.class);

	private static final int BUFFER_BYTES = 48 * 1024 * 1024;

	private static final byte[] END = new byte[0];

	/** Where the pipeline's transcoder takes the relay now, as the database says. */
	record Target(int generation, @Nullable String endpoint, String token, boolean ended) {
	}

	/** What a relay asks of the live instance that owns it. */
	interface Supervisor {

		Target target(UUID session, Pipeline pipeline);

		/** Generation {@code generation}'s transcoder of {@code pipeline} failed the relay: replace it (once, fleet-wide). */
		void lost(UUID session, Pipeline pipeline, int generation, String why);

		Duration startTimeout();

	}

	final UUID session;

	private final String protocol;

	final FeedRole role;

	private final Supervisor supervisor;

	/** A chunk of the feed and when it arrived (epoch millis): the transcoder dates segments by arrival. */
	private record Chunk(byte[] data, long arrivedAt) {
	}

	private static final Chunk END_OF_FEED = new Chunk(END, 0);

	private final List<Leg> legs;

	private volatile boolean closed;

	private volatile long bytes;

	private volatile @Nullable String endReason;

	/**
	 * This feed connection's name, the same on every leg: the timeline both pipelines' encoders read (docs/adr/0020).
	 */
	private final String feed = java.util.HexFormat.of().formatHex(randomBytes());

	private static byte[] randomBytes() {
		byte[] bytes = new byte[8];
		new java.security.SecureRandom().nextBytes(bytes);
		return bytes;
	}

	Relay(UUID session, String protocol, FeedRole role, Supervisor supervisor) {
		this(session, protocol, role, supervisor, List.of(Pipeline.A));
	}

	Relay(UUID session, String protocol, FeedRole role, Supervisor supervisor, List<Pipeline> pipelines) {
		this.session = session;
		this.protocol = protocol;
		this.role = role;
		this.supervisor = supervisor;
		this.legs = pipelines.stream().map(p -> new Leg(p, pipelines.size() > 1)).toList();
	}

	void start() {
		legs.forEach(leg -> leg.sender.start());
	}

	/**
	 * Queues the feed's next bytes; blocks while the buffer is full (one pipeline); throws what the transcoder
	 * refused, or what every pipeline's transcoder did.
	 */
	void write(byte[] chunk, int length) throws IOException {
		if (closed) {
			throw new IOException("The feed is closed.");
		}
		IOException failed = null;
		int carrying = 0;
		long arrivedAt = System.currentTimeMillis();
		byte[] copy = java.util.Arrays.copyOf(chunk, length);
		for (Leg leg : legs) {
			IOException refused = leg.failure;
			if (refused instanceof BadFeed) {
				throw refused;
			}
			if (refused != null) {
				failed = refused;
				continue;
			}
			leg.write(new Chunk(copy, arrivedAt));
			carrying++;
		}
		if (carrying == 0 && failed != null) {
			throw failed;
		}
		bytes += length;
	}

	/** The feed ended: what is queued is still delivered, then the transcoder learns why. */
	void close(String reason) {
		if (closed) {
			return;
		}
		endReason = reason;
		closed = true;
		legs.forEach(leg -> leg.queue.add(END_OF_FEED));
	}

	long bytes() {
		return bytes;
	}

	/** Whether this relay still carries (or waits to carry) a feed. */
	boolean open() {
		return legs.stream().anyMatch(leg -> leg.sender.isAlive());
	}

	/** Stops at once, dropping what is queued (the session ended, or this instance stops). */
	void abort(String why) {
		closed = true;
		legs.forEach(leg -> leg.abort(why));
	}

	/** The feed's way to one pipeline's transcoder. */
	private final class Leg {

		private final Pipeline pipeline;

		/** Whether a full buffer drops what it holds (two pipelines) rather than slowing the broadcaster down. */
		private final boolean lossy;

		private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();

		private final Semaphore room = new Semaphore(BUFFER_BYTES);

		private volatile @Nullable IOException failure;

		private volatile boolean aborted;

		private @Nullable Socket socket;

		private @Nullable DataOutputStream out;

		private int generation = -1;

		private final Thread sender;

		Leg(Pipeline pipeline, boolean lossy) {
			this.pipeline = pipeline;
			this.lossy = lossy;
			this.sender = Thread.ofVirtual()
				.name("relay-" + session.toString().substring(0, 8) + (pipeline == Pipeline.A ? "" : "-b"))
				.unstarted(this::send);
		}

		void write(Chunk chunk) throws IOException {
			int length = chunk.data().length;
			if (lossy) {
				while (!room.tryAcquire(length)) {
					// its transcoder is far behind or gone: drop what waits, keep the newest
					int dropped = 0;
					for (Chunk waiting; (waiting = queue.peek()) != null && waiting != END_OF_FEED;) {
						if (queue.remove(waiting)) {
							room.release(waiting.data().length);
							dropped += waiting.data().length;
						}
					}
					if (dropped == 0) {
						return; // nothing to drop: this chunk goes instead
					}
					log.warn("Relay of live session {} to pipeline {} fell {} bytes behind; dropped them", session,
							pipeline, dropped);
				}
			}
			else {
				try {
					room.acquire(length);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException("Interrupted", ex);
				}
			}
			queue.add(chunk);
		}

		/**
		 * Whether the leg carries on after its transcoder stopped the feed: with two pipelines a transcoder that stops
		 * (replaced, or standing down) is one pipeline's, and the leg feeds that pipeline's next generation; a bad
		 * feed, or the session's end (the target says so), stops it.
		 */
		private boolean carriesOn(IOException refused) {
			if (!lossy || refused instanceof BadFeed || aborted) {
				return false;
			}
			failure = null;
			return true;
		}

		void abort(String why) {
			aborted = true;
			failure = failure != null ? failure : new IOException(why);
			queue.clear();
			queue.add(END_OF_FEED);
			disconnect();
		}

		private void send() {
			try {
				while (true) {
					Chunk chunk = queue.take();
					if (chunk == END_OF_FEED) {
						if (failure == null) {
							deliverEnd();
						}
						return;
					}
					room.release(chunk.data().length);
					deliver(chunk);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (IOException ex) {
				if (failure == null) {
					failure = ex;
				}
				log.info("Relay of live session {} stopped: {}", session, ex.getMessage());
			}
			finally {
				disconnect();
				log.debug("Relay of live session {} finished", session);
			}
		}

		/** Sends one chunk, reconnecting (to a replacement if need be) until it is taken or the session is over. */
		private void deliver(Chunk chunk) throws IOException, InterruptedException {
			while (true) {
				DataOutputStream stream = connected();
				try {
					stream.writeByte('D');
					stream.writeLong(chunk.arrivedAt());
					stream.writeInt(chunk.data().length);
					stream.write(chunk.data());
					if (queue.isEmpty()) {
						stream.flush(); // nothing else waiting: send now, latency matters more than batching
					}
					return;
				}
				catch (IOException ex) {
					IOException refused = failure;
					if (refused != null && !carriesOn(refused)) {
						throw refused;
					}
					disconnect();
					if (refused == null) {
						supervisor.lost(session, pipeline, generation, "the relay to it broke (" + ex.getMessage() + ")");
					}
				}
			}
		}

		private void deliverEnd() throws InterruptedException {
			DataOutputStream stream = out;
			if (stream == null) {
				return; // never reached a transcoder: nothing to tell
			}
			try {
				stream.writeByte('E');
				stream.writeUTF(endReason == null ? "The feed ended" : endReason);
				stream.flush();
				Socket current = socket;
				if (current != null) {
					current.shutdownOutput();
					// the transcoder closes once it has taken the end: wait for that, briefly
					current.setSoTimeout(20_000);
					current.getInputStream().readAllBytes();
				}
			}
			catch (IOException ex) {
				// it is gone either way
			}
		}

		private DataOutputStream connected() throws IOException, InterruptedException {
			DataOutputStream stream = out;
			if (stream != null) {
				return stream;
			}
			long deadline = System.nanoTime() + supervisor.startTimeout().toNanos();
			int waitingFor = -1;
			while (true) {
				IOException refused = failure;
				if (refused != null && !carriesOn(refused)) {
					throw refused;
				}
				Target target = supervisor.target(session, pipeline);
				if (target.ended()) {
					throw new IOException("The live session ended.");
				}
				if (target.generation() != waitingFor) {
					waitingFor = target.generation();
					deadline = System.nanoTime() + supervisor.startTimeout().toNanos();
				}
				if (target.endpoint() != null) {
					try {
						return connect(target);
					}
					catch (Busy busy) {
						Thread.sleep(300); // the last feed's end is being taken: try again in a moment
						continue;
					}
					catch (IOException ex) {
						if (failure != null) {
							throw failure;
						}
						supervisor.lost(session, pipeline, target.generation(),
								"it cannot be reached (" + ex.getMessage() + ")");
					}
				}
				else if (System.nanoTime() > deadline) {
					supervisor.lost(session, pipeline, target.generation(),
							"it did not take the feed within " + supervisor.startTimeout().toSeconds() + " s");
					deadline = System.nanoTime() + supervisor.startTimeout().toNanos();
				}
				Thread.sleep(150);
			}
		}

		private DataOutputStream connect(Target target) throws IOException {
			String[] hostPort = target.endpoint().split(":(?=[0-9]+$)");
			Socket connection = new Socket();
			try {
				connection.setTcpNoDelay(true);
				connection.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 3000);
				connection.setSoTimeout(10_000);
				DataOutputStream stream = new DataOutputStream(
						new java.io.BufferedOutputStream(connection.getOutputStream(), 64 * 1024));
				stream.write(("KFRELAY 1 " + session + " " + pipeline.generation(target.generation()) + " "
						+ target.token() + " " + protocol + (role == FeedRole.BACKUP ? " backup" : "") + " feed=" + feed
						+ "\n")
					.getBytes(StandardCharsets.US_ASCII));
				stream.flush();
				BufferedReader in = new BufferedReader(
						new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
				String answer = in.readLine();
				if (answer == null) {
					throw new IOException("the transcoder closed the relay");
				}
				if (answer.startsWith("BUSY")) {
					throw new Busy();
				}
				if (!answer.equals("OK")) {
					throw new IOException("the transcoder refused the relay: " + answer);
				}
				connection.setSoTimeout(0);
				this.socket = connection;
				this.out = stream;
				this.generation = target.generation();
				Thread.ofVirtual().name("relay-answers").start(() -> answers(connection, in));
				log.info("Relaying live session {} to its transcoder (pipeline {}, generation {}) at {}", session,
						pipeline, target.generation(), target.endpoint());
				return stream;
			}
			catch (IOException | RuntimeException ex) {
				connection.close();
				throw ex instanceof IOException io ? io : new IOException(ex.getMessage(), ex);
			}
		}

		/** What the transcoder says back: it refused the feed (BAD), or ended the session (END). */
		private void answers(Socket connection, BufferedReader in) {
			try {
				String line;
				while ((line = in.readLine()) != null) {
					if (line.startsWith("BAD ")) {
						failure = new BadFeed(line.substring(4));
					}
					else if (line.startsWith("END ")) {
						failure = new IOException(line.substring(4));
					}
				}
			}
			catch (IOException ex) {
				// the connection closed: the sender finds out when it writes next
			}
			if (failure != null) {
				try {
					connection.close();
				}
				catch (IOException ex) {
					// closing
				}
			}
		}

		private synchronized void disconnect() {
			Socket current = socket;
			socket = null;
			out = null;
			if (current != null) {
				try {
					current.close();
				}
				catch (IOException ex) {
					// closing
				}
			}
		}

	}

	private static final class Busy extends IOException {

		Busy() {
			super("busy", null);
		}

	}

}
