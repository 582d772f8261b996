package dev.keyframe.platform;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.jspecify.annotations.Nullable;

/**
 * Tomcat's last word, for what it refuses before any servlet runs (a NUL or an encoded slash in the path, a header
 * too large): a body of the server's own format, naming neither the server nor its version, instead of Tomcat's
 * HTML page. Subclasses say what the body is; Tomcat creates them by name
 * ({@code StandardHost.errorReportValveClass}), hence public.
 */
public abstract class TomcatErrorValve extends ErrorReportValve {

	protected TomcatErrorValve() {
		setShowReport(false);
		setShowServerInfo(false);
	}

	/** Sets the content type and headers of the error answer and returns its body. */
	protected abstract String answer(Response response, int status);

	@Override
	protected final void report(Request request, Response response, @Nullable Throwable throwable) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
			return;
		}
		AtomicBoolean io = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, io);
		if (!io.get()) {
			return;
		}
		try {
			response.setCharacterEncoding("utf-8");
			String body = answer(response, status);
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write(body);
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the client went away, or the response cannot take a body: nothing more to say
		}
	}

}
