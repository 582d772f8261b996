package dev.keyframe.live.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import org.apache.tomcat.util.threads.VirtualThreadExecutor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.keyframe.live.IngestEndpoints;
import dev.keyframe.live.LiveSettings;
import dev.keyframe.live.internal.LiveSessions;
import dev.keyframe.platform.ConditionalOnRole;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.Role;

/**
 * The live role's ingest: an HTTP server of its own (MPEG-TS pushes, nginx-rtmp callbacks) and the RTMP front.
 * A read that waits longer than the idle timeout ends the feed, so a broadcaster that goes silent without closing
 * the connection stops its session like one that hangs up.
 */
@Component
@ConditionalOnRole(Role.LIVE)
class IngestServer implements SmartLifecycle, IngestEndpoints {

	private static final Logger log = LoggerFactory.getLogger(IngestServer.class);

	private final LiveSettings settings;

	private final LiveSessions sessions;

	private final RtmpFront rtmp;

	private @Nullable WebServer server;

	IngestServer(LiveSettings settings, LiveSessions sessions, MediaTools tools) {
		this.settings = settings;
		this.sessions = sessions;
		this.rtmp = new RtmpFront(settings, tools);
	}

	@Override
	public void start() {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(settings.ingestPort());
		factory.addProtocolHandlerCustomizers(protocol -> protocol.setExecutor(new VirtualThreadExecutor("ingest-")));
		factory.addConnectorCustomizers(connector -> {
			connector.setProperty("connectionTimeout", String.valueOf(settings.idleTimeout().toMillis()));
			// a feed is one request as long as the broadcast; the read timeout above still ends a silent one
			connector.setProperty("disableUploadTimeout", "true");
		});
		WebServer web = factory.getWebServer(context -> context.addServlet("ingest", new IngestServlet(sessions, rtmp))
			.addMapping("/"));
		web.start();
		server = web;
		log.info("Live ingest on port {}: POST /ingest/<stream key> with MPEG-TS", web.getPort());
		if (settings.rtmp().enabled()) {
			try {
				rtmp.start(settings.rtmp().port() == 0 ? freePort() : settings.rtmp().port(), web.getPort());
			}
			catch (IOException ex) {
				log.error("RTMP ingest did not start: {}", ex.getMessage());
			}
		}
	}

	@Override
	public int httpPort() {
		return server == null ? -1 : server.getPort();
	}

	@Override
	public int rtmpPort() {
		return rtmp.running() ? rtmp.port() : -1;
	}

	@Override
	public void stop() {
		rtmp.stop();
		if (server != null) {
			server.stop();
			server.destroy();
			server = null;
		}
	}

	@Override
	public boolean isRunning() {
		return server != null;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
