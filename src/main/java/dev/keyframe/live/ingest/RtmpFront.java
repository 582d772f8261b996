package dev.keyframe.live.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.keyframe.live.IngestUrl;
import dev.keyframe.live.LiveSettings;
import dev.keyframe.live.internal.Admission;
import dev.keyframe.live.internal.BadFeed;
import dev.keyframe.live.internal.Feed;
import dev.keyframe.live.internal.Refused;
import dev.keyframe.platform.ChildProcesses;
import dev.keyframe.platform.Instance;
import dev.keyframe.platform.MediaTools;

/**
 * RTMP ingest: nginx with the rtmp module accepts what OBS pushes to {@code rtmp://host:port/live/{key}} and asks
 * this instance whether the key may publish ({@code on_publish}, answered by a small HTTP server on the loopback
 * address only; a refused key is dropped by nginx before anything starts). An accepted stream is pulled back from
 * nginx as MPEG-TS (a copying ffmpeg, no re-encode) and fed to the session like an HTTP feed. The nginx process starts
 * and stops with this instance.
 */
@Component
@Order(2)
class RtmpFront implements IngestProtocol {

	static final String NAME = "RTMP";

	private static final Logger log = LoggerFactory.getLogger(RtmpFront.class);

	private final LiveSettings settings;

	private final MediaTools tools;

	private final Instance instance;

	private @Nullable Process nginx;

	private @Nullable HttpServer callbacks;

	private int port;

	RtmpFront(LiveSettings settings, MediaTools tools, Instance instance) {
		this.settings = settings;
		this.tools = tools;
		this.instance = instance;
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public boolean enabled() {
		return settings.rtmp().enabled();
	}

	@Override
	public IngestUrl url(String key, String passphrase) {
		return new IngestUrl(NAME, "RTMP (OBS)", settings.rtmp().url(), key);
	}

	/** Starts nginx listening on the RTMP port, asking a loopback callback server of this instance about keys. */
	@Override
	public void start(Admission admission) throws IOException {
		LiveSettings.Rtmp rtmp = settings.rtmp();
		if (!Files.isExecutable(Path.of(rtmp.nginx())) || !Files.exists(Path.of(rtmp.module()))) {
			log.warn("RTMP ingest is off: {} or {} is missing (Debian: apt-get install nginx-light libnginx-mod-rtmp)",
					rtmp.nginx(), rtmp.module());
			return;
		}
		Path dir = instance.scratch("rtmp-front");
		stopLeftover(dir);
		int port = rtmp.port() == 0 ? IngestServer.freePort() : rtmp.port();
		HttpServer server = callbacks(admission);
		this.callbacks = server;
		int callbackPort = server.getAddress().getPort();
		String config = """
				load_module %s;
				daemon off;
				master_process off;
				worker_processes 1;
				pid %s;
				error_log %s warn;
				events { worker_connections 512; }
				rtmp {
				    # stream names are stream keys: never write them to a log
				    access_log off;
				    server {
				        listen %d;
				        chunk_size 4096;
				        application live {
				            live on;
				            record off;
				            # players (our puller) are dropped when the publisher leaves, so the feed ends at once
				            idle_streams off;
				            allow play 127.0.0.1;
				            deny play all;
				            drop_idle_publisher %ds;
				            on_publish http://127.0.0.1:%d/rtmp/publish;
				            on_publish_done http://127.0.0.1:%d/rtmp/done;
				        }
				    }
				}
				""".formatted(rtmp.module(), dir.resolve("nginx.pid"), dir.resolve("error.log"), port,
				Math.max(1, settings.idleTimeout().toSeconds()), callbackPort, callbackPort);
		Files.writeString(dir.resolve("nginx.conf"), config);
		// nginx runs as one process (master_process off) and dies with this instance, however it dies
		Process started = ChildProcesses.start(new ProcessBuilder(rtmp.nginx(), "-p", dir.toString(), "-c",
				dir.resolve("nginx.conf").toString(), "-e", dir.resolve("error.log").toString())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nginx.out").toFile())));
		try {
			if (started.waitFor(300, TimeUnit.MILLISECONDS)) {
				stopCallbacks();
				throw new IOException("nginx exited with " + started.exitValue() + ": "
						+ Files.readString(dir.resolve("nginx.out")).strip());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.nginx = started;
		this.port = port;
		log.info("RTMP ingest on port {} (nginx {})", port, started.pid());
	}

	@Override
	public int port() {
		return running() ? port : -1;
	}

	/**
	 * nginx-rtmp's callbacks: {@code on_publish} asks whether a key may publish (2xx yes, anything else drops the
	 * publisher); {@code on_publish_done} needs nothing, the puller sees the end of the stream itself. Bound to the
	 * loopback address, so only this host reaches it.
	 */
	private HttpServer callbacks(Admission admission) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
		server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		server.createContext("/rtmp/publish", exchange -> {
			String key = formField(exchange, "name");
			if (key == null || !IngestServlet.KEY.matcher(key).matches()) {
				answer(exchange, 403, "Unknown stream key.");
				return;
			}
			try {
				Feed feed = admission.open(key, NAME);
				pull(key, feed);
				answer(exchange, 200, "OK");
			}
			catch (Refused refused) {
				answer(exchange, refused.status(), refused.getMessage());
			}
			catch (RuntimeException ex) {
				log.error("RTMP publish callback failed", ex);
				answer(exchange, 500, "Keyframe could not take the feed.");
			}
		});
		server.createContext("/rtmp/done", exchange -> answer(exchange, 200, "OK"));
		server.start();
		return server;
	}

	/** A field of the form nginx posts (its arguments come as {@code application/x-www-form-urlencoded}). */
	private static @Nullable String formField(HttpExchange exchange, String name) throws IOException {
		String body = new String(exchange.getRequestBody().readNBytes(16 * 1024), StandardCharsets.UTF_8);
		String query = exchange.getRequestURI().getRawQuery();
		for (String form : query == null ? List.of(body) : List.of(body, query)) {
			for (String pair : form.split("&")) {
				int eq = pair.indexOf('=');
				if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
					return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
				}
			}
		}
		return null;
	}

	private static void answer(HttpExchange exchange, int status, String message) throws IOException {
		byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "text/plain;charset=UTF-8");
		exchange.sendResponseHeaders(status, body.length);
		try (var out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	/** An nginx a killed instance left running (it would hold the port) is stopped first. */
	private static void stopLeftover(Path dir) {
		Path pid = dir.resolve("nginx.pid");
		try {
			if (!Files.exists(pid)) {
				return;
			}
			long leftover = Long.parseLong(Files.readString(pid).strip());
			ProcessHandle.of(leftover)
				.filter(p -> p.info().commandLine().map(c -> c.contains(dir.toString())).orElse(false))
				.ifPresent(p -> {
					log.warn("Stopping the RTMP front a previous run left behind (pid {})", leftover);
					p.destroyForcibly();
					p.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(ex -> null).join();
				});
		}
		catch (IOException | NumberFormatException ex) {
			// no usable pid file: nothing to stop
		}
	}

	private void stopCallbacks() {
		HttpServer server = callbacks;
		callbacks = null;
		if (server != null) {
			server.stop(0);
		}
	}

	boolean running() {
		Process current = nginx;
		return current != null && current.isAlive();
	}

	/** Pulls an accepted stream back from nginx as MPEG-TS into {@code feed}, in the background. */
	void pull(String key, Feed feed) {
		List<String> command = List.of(tools.ffmpegPath().toString(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
				"-rw_timeout", String.valueOf(settings.idleTimeout().toNanos() / 1000 * 2), "-i",
				"rtmp://127.0.0.1:" + port + "/live/" + key, "-map", "0", "-c", "copy", "-f", "mpegts", "pipe:1");
		Thread.ofVirtual().name("rtmp-pull").start(() -> {
			String reason = "The RTMP feed ended";
			try {
				// nginx asks before it accepts the publisher: the stream may not exist for a moment yet
				for (int attempt = 0; attempt < 10; attempt++) {
					if (pullOnce(command, feed) > 0) {
						break;
					}
					Thread.sleep(200);
				}
			}
			catch (BadFeed bad) {
				reason = bad.getMessage();
			}
			catch (IOException ex) {
				reason = "The RTMP feed dropped";
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				feed.close(reason);
			}
		});
	}

	/** Copies what one pull gets into the feed; returns how many bytes that was. */
	private static long pullOnce(List<String> command, Feed feed) throws IOException {
		Process puller = ChildProcesses.start(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD));
		long total = 0;
		try (InputStream out = puller.getInputStream()) {
			byte[] chunk = new byte[64 * 1024];
			int read;
			while ((read = out.read(chunk)) != -1) {
				feed.write(chunk, read);
				total += read;
			}
		}
		finally {
			puller.destroyForcibly();
		}
		return total;
	}

	@Override
	public void stop() {
		stopCallbacks();
		Process current = nginx;
		nginx = null;
		if (current != null) {
			current.destroy();
			try {
				if (!current.waitFor(5, TimeUnit.SECONDS)) {
					current.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				current.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}
	}

}
