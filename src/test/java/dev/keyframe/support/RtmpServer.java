package dev.keyframe.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real RTMP server for tests: nginx with Debian's rtmp module, recording every stream published to
 * {@code rtmp://127.0.0.1:port/live/{name}} as {@code recordings/{name}.flv}.
 */
public final class RtmpServer implements AutoCloseable {

	private final Process nginx;

	private final int port;

	private final Path recordings;

	private RtmpServer(Process nginx, int port, Path recordings) {
		this.nginx = nginx;
		this.port = port;
		this.recordings = recordings;
	}

	public static RtmpServer start(Path dir) throws IOException, InterruptedException {
		int port = freePort();
		Path recordings = Files.createDirectories(dir.resolve("recordings"));
		String config = """
				load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
				daemon off;
				master_process off;
				worker_processes 1;
				pid %s;
				error_log %s warn;
				events { worker_connections 64; }
				rtmp { server { listen %d; application live { live on; record all; record_path %s; record_unique off; } } }
				""".formatted(dir.resolve("nginx.pid"), dir.resolve("error.log"), port, recordings);
		Files.writeString(dir.resolve("nginx.conf"), config);
		Process nginx = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
				"-e", dir.resolve("error.log").toString())
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("nginx.out").toFile())
			.start();
		if (nginx.waitFor(300, TimeUnit.MILLISECONDS)) {
			throw new IOException("nginx did not start: " + Files.readString(dir.resolve("nginx.out")));
		}
		return new RtmpServer(nginx, port, recordings);
	}

	public int port() {
		return port;
	}

	public String url(String name) {
		return "rtmp://127.0.0.1:" + port + "/live/" + name;
	}

	public Path recording(String name) {
		return recordings.resolve(name + ".flv");
	}

	@Override
	public void close() throws InterruptedException {
		nginx.destroy();
		if (!nginx.waitFor(5, TimeUnit.SECONDS)) {
			nginx.destroyForcibly();
		}
	}

	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
