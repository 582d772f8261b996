package dev.keyframe.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on its own port to a server on another: a way to take a server away from one client (connections
 * cut, new ones refused) and give it back on the same address, while every other client of the server goes on.
 */
public final class TcpRelay implements AutoCloseable {

	private final int target;

	private final int port;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private volatile ServerSocket server;

	private TcpRelay(int target, ServerSocket server) {
		this.target = target;
		this.server = server;
		this.port = server.getLocalPort();
		accept(server);
	}

	/** A relay on a free port of the loopback address to {@code targetPort} there, relaying at once. */
	public static TcpRelay to(int targetPort) throws IOException {
		return new TcpRelay(targetPort, bind(0));
	}

	public int port() {
		return port;
	}

	/** Cuts every connection and refuses new ones, as a server that stopped does. */
	public synchronized void stop() throws IOException {
		server.close();
		for (Socket socket : open) {
			socket.close();
		}
		open.clear();
	}

	/** Relays again, on the same port. */
	public synchronized void start() throws IOException {
		if (!server.isClosed()) {
			return;
		}
		server = bind(port);
		accept(server);
	}

	@Override
	public void close() throws IOException {
		stop();
	}

	private static ServerSocket bind(int port) throws IOException {
		ServerSocket socket = new ServerSocket();
		socket.setReuseAddress(true);
		socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
		return socket;
	}

	private void accept(ServerSocket listening) {
		Thread.ofVirtual().name("relay-" + port).start(() -> {
			while (!listening.isClosed()) {
				try {
					Socket client = listening.accept();
					Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
					open.add(client);
					open.add(upstream);
					pipe(client, upstream);
					pipe(upstream, client);
				}
				catch (IOException ex) {
					// closed by stop(), or the target refused: the client sees its connection end
				}
			}
		});
	}

	private void pipe(Socket from, Socket to) {
		Thread.ofVirtual().start(() -> {
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				in.transferTo(out);
			}
			catch (IOException ex) {
				// one side closed
			}
			finally {
				close(from);
				close(to);
			}
		});
	}

	private void close(Socket socket) {
		open.remove(socket);
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

}
