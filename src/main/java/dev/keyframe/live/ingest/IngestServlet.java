package dev.keyframe.live.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.keyframe.live.internal.BadFeed;
import dev.keyframe.live.internal.Admission;
import dev.keyframe.live.internal.Feed;
import dev.keyframe.live.internal.Refused;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The ingest endpoint. {@code POST /ingest/{key}} (or PUT) with an MPEG-TS body, usually chunked and as long as
 * the broadcast: the key is checked before anything starts; the body is the feed.
 */
final class IngestServlet extends HttpServlet {

	private static final Logger log = LoggerFactory.getLogger(IngestServlet.class);

	static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,100}");

	private final transient Admission sessions;

	IngestServlet(Admission sessions) {
		this.sessions = sessions;
	}

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String path = request.getRequestURI();
		String method = request.getMethod();
		if (!path.startsWith("/ingest/") || !("POST".equals(method) || "PUT".equals(method))) {
			answer(response, 404, "Push MPEG-TS with POST /ingest/{stream key}.");
			return;
		}
		String key = path.substring("/ingest/".length());
		if (!KEY.matcher(key).matches()) {
			answer(response, 403, "Unknown stream key.");
			return;
		}
		Feed feed;
		try {
			feed = sessions.open(key, HttpIngest.NAME);
		}
		catch (Refused refused) {
			answer(response, refused.status(), refused.getMessage());
			return;
		}
		String reason = "The feed ended";
		int status = 200;
		try (InputStream body = request.getInputStream()) {
			byte[] chunk = new byte[64 * 1024];
			int read;
			while ((read = body.read(chunk)) != -1) {
				feed.write(chunk, read);
			}
		}
		catch (BadFeed bad) {
			reason = bad.getMessage();
			status = 400;
		}
		catch (SocketTimeoutException ex) {
			reason = "No data arrived for a while";
		}
		catch (IOException ex) {
			reason = "The feed's connection dropped";
		}
		catch (RuntimeException ex) {
			log.error("Live feed {} failed", feed.session(), ex);
			reason = "Keyframe could not take the feed (" + ex.getClass().getSimpleName() + ")";
			status = 500;
		}
		finally {
			// whatever happened, the session learns its feed is gone: it waits for a reconnect, or ends
			feed.close(reason);
		}
		log.info("Live feed {} ended: {}", feed.session(), reason);
		answer(response, status, status == 200 ? "Feed received. " + reason + "." : reason);
	}

	private static void answer(HttpServletResponse response, int status, String message) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		response.setStatus(status);
		if (status >= 400) {
			response.setHeader("Connection", "close"); // a refused feed's body is not read to its end
		}
		response.setContentType("text/plain;charset=UTF-8");
		response.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
	}

}
