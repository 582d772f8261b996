package dev.keyframe.live.ingest;

import org.apache.tomcat.util.threads.VirtualThreadExecutor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.keyframe.live.IngestUrl;
import dev.keyframe.live.LiveSettings;
import dev.keyframe.live.internal.Admission;

/**
 * MPEG-TS over HTTP: an HTTP server of the live role's own ({@code POST /ingest/{key}}, see {@link IngestServlet}).
 * A read that waits longer than the idle timeout ends the feed, so a broadcaster that goes silent without closing the
 * connection stops its session like one that hangs up.
 */
@Component
@Order(1)
class HttpIngest implements IngestProtocol {

	static final String NAME = "HTTP_TS";

	private static final Logger log = LoggerFactory.getLogger(HttpIngest.class);

	private final LiveSettings settings;

	private @Nullable WebServer server;

	HttpIngest(LiveSettings settings) {
		this.settings = settings;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public boolean enabled() {
		return true;
	}

	@Override
	public IngestUrl url(String key, String passphrase) {
		return new IngestUrl(NAME, "MPEG-TS over HTTP", settings.ingestUrl() + "/ingest/" + key, null);
	}

	@Override
	public void start(Admission admission) {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(settings.ingestPort());
		factory.addProtocolHandlerCustomizers(protocol -> protocol.setExecutor(new VirtualThreadExecutor("ingest-")));
		factory.addConnectorCustomizers(connector -> {
			connector.setProperty("connectionTimeout", String.valueOf(settings.idleTimeout().toMillis()));
			// a feed is one request as long as the broadcast; the read timeout above still ends a silent one
			connector.setProperty("disableUploadTimeout", "true");
		});
		WebServer web = factory.getWebServer(
				context -> context.addServlet("ingest", new IngestServlet(admission)).addMapping("/"));
		web.start();
		server = web;
		log.info("Live ingest on port {}: POST /ingest/<stream key> with MPEG-TS", web.getPort());
	}

	@Override
	public int port() {
		WebServer web = server;
		return web == null ? -1 : web.getPort();
	}

	@Override
	public void stop() {
		WebServer web = server;
		server = null;
		if (web != null) {
			web.stop();
			web.destroy();
		}
	}

}
