package dev.keyframe.live.internal;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transcoder instance's end of the relay (see {@link Relay}): takes one relayed feed at a time into its
 * session's run. A relay must name this session, this generation and the session's secret. A newer relay replaces
 * the one attached (its live instance may be gone without a word); a relay that goes silent or drops is a feed that
 * went away: the run waits for a reconnect within the channel's window, as it does when a broadcaster leaves.
 */
final class RelayServer {

	private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

	private final UUID session;

	private final int generation;

	private final Pipeline pipeline;

	private final byte[] token;

	private final SessionRun run;

	private final Duration idle;

	private final StreamRuntime runtime;

	private final ServerSocket server;

	/** The relay attached in each role (a channel may have a primary and a backup feed). */
	private final java.util.Map<FeedRole, Socket> current = new java.util.concurrent.ConcurrentHashMap<>();

	RelayServer(StreamRuntime runtime, SessionRun run, UUID session, Pipeline pipeline, int generation, String token,
			String bind, int port, Duration idle) throws IOException {
		this.pipeline = pipeline;
		this.runtime = runtime;
		this.run = run;
		this.session = session;
		this.generation = generation;
		this.token = token.getBytes(StandardCharsets.US_ASCII);
		this.idle = idle;
		this.server = new ServerSocket();
		server.bind(new InetSocketAddress(InetAddress.getByName(bind), port));
	}

	int port() {
		return server.getLocalPort();
	}

	void start() {
		Thread.ofVirtual().name("relay-server").start(() -> {
			while (!server.isClosed()) {
				try {
					Socket socket = server.accept();
					Thread.ofVirtual().name("relay-in").start(() -> serve(socket));
				}
				catch (IOException ex) {
					if (!server.isClosed()) {
						log.warn("The relay server stopped accepting: {}", ex.toString());
					}
					return;
				}
			}
		});
	}

	void close() {
		try {
			server.close();
		}
		catch (IOException ex) {
			// closing
		}
		current.values().forEach(RelayServer::drop);
	}

	private void serve(Socket socket) {
		try (socket) {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(10_000);
			DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
			OutputStream out = socket.getOutputStream();
			String[] header = readLine(in).split(" ");
			if (header.length < 6 || header.length > 8 || !header[0].equals("KFRELAY") || !header[2].equals(session.toString())
					|| !MessageDigest.isEqual(header[4].getBytes(StandardCharsets.US_ASCII), token)) {
				say(out, "NO This is not the transcoder of that session.");
				return;
			}
			if (!header[3].equals(pipeline.generation(generation)) || !runtime.current()) {
				say(out, "NO This transcoder was replaced.");
				return;
			}
			String protocol = header[5];
			// a relay from before roles names none: the primary
			List<String> options = List.of(header).subList(6, header.length);
			FeedRole role = options.contains("backup") ? FeedRole.BACKUP : FeedRole.PRIMARY;
			// a relay from before feed names names none: each connection its own
			String name = options.stream().filter(o -> o.startsWith("feed=")).map(o -> o.substring(5))
				.filter(n -> n.matches("[0-9a-f]{1,32}")).findFirst().orElse(java.util.UUID.randomUUID().toString());
			SessionRun.Input feed = new SessionRun.Input(role, protocol, name);
			if (!attach(feed)) {
				say(out, run.ended() ? "END The live session ended." : "BUSY The last connection is closing.");
				return;
			}
			current.put(role, socket);
			say(out, "OK");
			if (run.onAir(feed)) {
				runtime.attached(run, protocol); // a feed standing by is not a reconnect: FEED_CONNECTED says it
			}
			relay(feed, socket, in, out);
		}
		catch (IOException ex) {
			log.debug("A relay connection failed: {}", ex.toString());
		}
	}

	/** Attaches the feed, replacing a relay in the same role that is still attached (the newest relay wins). */
	private boolean attach(SessionRun.Input feed) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		boolean replaced = false;
		while (!run.ended()) {
			if (run.attach(feed)) {
				return true;
			}
			Socket same = current.get(feed.role);
			if (!replaced && same != null) {
				drop(same);
				replaced = true;
			}
			if (System.nanoTime() > deadline) {
				return false;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	private void relay(SessionRun.Input feed, Socket socket, DataInputStream in, OutputStream out) {
		String reason = "The connection to the live instance was lost";
		byte[] chunk = new byte[256 * 1024];
		try {
			socket.setSoTimeout((int) Math.max(idle.toMillis() * 3, 10_000));
			while (true) {
				int type = in.read();
				if (type == 'E') {
					reason = in.readUTF();
					break;
				}
				if (type != 'D') {
					break;
				}
				long arrivedAt = in.readLong();
				int length = in.readInt();
				if (length < 0 || length > 16 * 1024 * 1024) {
					break;
				}
				if (length > chunk.length) {
					chunk = new byte[length];
				}
				in.readFully(chunk, 0, length);
				try {
					run.write(feed, chunk, length, arrivedAt);
				}
				catch (BadFeed bad) {
					say(out, "BAD " + bad.getMessage());
					reason = bad.getMessage();
					break;
				}
				catch (IOException ex) {
					say(out, "END The live session ended.");
					return;
				}
			}
		}
		catch (SocketTimeoutException ex) {
			reason = "The live instance relaying the feed went silent";
		}
		catch (EOFException ex) {
			// dropped without a word: the live instance died, or its broadcaster's connection with it
		}
		catch (IOException ex) {
			// likewise
		}
		finally {
			current.remove(feed.role, socket);
		}
		run.detach(feed, reason);
	}

	private static String readLine(DataInputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1 && c != '\n') {
			if (line.length() > 400) {
				throw new IOException("header too long");
			}
			line.append((char) c);
		}
		return line.toString();
	}

	private static void say(OutputStream out, String line) {
		try {
			out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
		}
		catch (IOException ex) {
			// the other side is gone
		}
	}

	private static void drop(@Nullable Socket socket) {
		if (socket != null) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing
			}
		}
	}

}
