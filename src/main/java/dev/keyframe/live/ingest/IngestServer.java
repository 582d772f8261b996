package dev.keyframe.live.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.keyframe.live.IngestEndpoints;
import dev.keyframe.live.internal.Admission;
import dev.keyframe.platform.ConditionalOnRole;
import dev.keyframe.platform.Role;

/**
 * The live role's ingest: starts every enabled {@link IngestProtocol} with this instance's admission and stops them
 * with it. A protocol that cannot start for a reason of its host (an IOException: nginx exits, a port is taken) is
 * logged and the others run; anything else fails the start.
 */
@Component
@ConditionalOnRole(Role.LIVE)
class IngestServer implements SmartLifecycle, IngestEndpoints {

	private static final Logger log = LoggerFactory.getLogger(IngestServer.class);

	private final List<IngestProtocol> protocols;

	private final Admission admission;

	private final List<IngestProtocol> started = new ArrayList<>();

	private volatile boolean running;

	IngestServer(List<IngestProtocol> protocols, Admission admission) {
		this.protocols = protocols;
		this.admission = admission;
	}

	@Override
	public synchronized void start() {
		for (IngestProtocol protocol : protocols) {
			if (!protocol.enabled()) {
				continue;
			}
			try {
				protocol.start(admission);
				started.add(protocol);
			}
			catch (IOException ex) {
				log.error("{} ingest did not start: {}", protocol.name(), ex.getMessage());
			}
		}
		running = true;
	}

	@Override
	public int port(String name) {
		return protocols.stream().filter(p -> p.name().equals(name)).findFirst().map(IngestProtocol::port).orElse(-1);
	}

	@Override
	public synchronized void stop() {
		for (IngestProtocol protocol : started.reversed()) {
			try {
				protocol.stop();
			}
			catch (RuntimeException ex) {
				log.warn("{} ingest did not stop cleanly: {}", protocol.name(), ex.getMessage());
			}
		}
		started.clear();
		running = false;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
