package dev.keyframe.playback.edge;

import java.nio.file.Path;
import java.time.Clock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.catalina.core.StandardHost;
import org.apache.tomcat.util.threads.VirtualThreadExecutor;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerInitializedEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.playback.CdnSettings;
import dev.keyframe.playback.internal.KeyRing;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Runs the edge on its own port when {@code keyframe.edge.enabled} is set (the local run sets it; production has
 * CloudFront). It is a separate HTTP server, as a CDN is: nothing of the app's sessions, security chain or error
 * pages applies to it, only signatures.
 */
@Component
@ConditionalOnBooleanProperty("keyframe.edge.enabled")
class LocalEdge implements SmartLifecycle {

	private static final Log log = LogFactory.getLog(LocalEdge.class);

	private final EdgeSettings settings;

	private final CdnSettings cdn;

	private final KeyRing keys;

	private final EdgeServlet servlet;

	private @Nullable WebServer server;

	LocalEdge(EdgeSettings settings, CdnSettings cdn, KeyRing keys, ObjectStorage storage, MeterRegistry meters,
			MediaTools tools) {
		this.settings = settings;
		this.cdn = cdn;
		this.keys = keys;
		Clock clock = Clock.systemUTC();
		this.servlet = new EdgeServlet(new SignatureVerifier(keys), new EdgeCache(storage, settings, clock, meters),
				settings, clock, meters, () -> appPort,
				new SlateSegments(tools.ffmpegPath(), Path.of(System.getProperty("java.io.tmpdir"), "keyframe-edge")));
	}

	/** The app's own port: its pages are the origin the edge lets read media with credentials by default. */
	private volatile int appPort;

	@EventListener
	void appStarted(ServletWebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() == null) {
			appPort = event.getWebServer().getPort();
		}
	}

	@Override
	public void start() {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(settings.port());
		factory.addProtocolHandlerCustomizers(protocol -> protocol.setExecutor(new VirtualThreadExecutor("edge-")));
		factory.addConnectorCustomizers(connector -> {
			connector.setProperty("maxKeepAliveRequests", "1000");
			// Tomcat writes a response body to the socket in slices of this size: 8 KB by default, which is
			// 180 system calls for a 1.5 MB segment; 256 KB makes it 6
			connector.setProperty("socket.appWriteBufSize", "262144");
		});
		// what Tomcat refuses itself is answered as CloudFront would, not with Tomcat's page and version
		factory.addContextCustomizers(context -> {
			if (context.getParent() instanceof StandardHost host) {
				host.setErrorReportValveClass(EdgeErrorValve.class.getName());
			}
		});
		WebServer edge = factory.getWebServer(context -> context.addServlet("edge", servlet).addMapping("/"));
		edge.start();
		server = edge;
		log.info("Local edge on port " + edge.getPort() + " serves " + cdn.url() + "/media/** to signed requests (keys "
				+ keys.trustedIds() + ", signing with " + keys.signingKeyId() + ")");
	}

	@Override
	public void stop() {
		if (server != null) {
			server.stop();
			// stop() only takes the connector away: destroy() ends Tomcat and its threads too
			server.destroy();
			server = null;
		}
	}

	/** The port the edge listens on, once started. */
	int port() {
		if (server == null) {
			throw new IllegalStateException("The edge is not running");
		}
		return server.getPort();
	}

	@Override
	public boolean isRunning() {
		return server != null;
	}

}
