package dev.keyframe.platform.internal;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's last word, for what it refuses before any servlet runs (a NUL or an encoded slash in the path, a
 * header too large): Keyframe's own RFC 9457 problem document, naming neither the server nor its version,
 * instead of Tomcat's HTML page. Everything else is answered by Spring's error handling before it gets here.
 * Tomcat creates it by name ({@code StandardHost.errorReportValveClass}), hence public.
 */
public class ProblemErrorValve extends ErrorReportValve {

	public ProblemErrorValve() {
		setShowReport(false);
		setShowServerInfo(false);
	}

	@Override
	protected void report(Request request, Response response, @Nullable Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean io = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, io);
		if (!io.get()) {
			return;
		}
		HttpStatus known = HttpStatus.resolve(status);
		String title = known == null ? "Error" : known.getReasonPhrase();
		String detail = status < 500 ? "Keyframe could not read this request." : "Keyframe could not answer this request.";
		try {
			response.setContentType("application/problem+json");
			response.setCharacterEncoding("utf-8");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
						+ ",\"detail\":\"" + detail + "\"}");
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the client went away, or the response cannot take a body: nothing more to say
		}
	}

}
