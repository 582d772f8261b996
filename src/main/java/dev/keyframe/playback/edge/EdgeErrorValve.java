package dev.keyframe.playback.edge;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.jspecify.annotations.Nullable;

/**
 * The edge's answer to what Tomcat refuses before the edge's servlet runs (a NUL or an encoded slash in the path,
 * a header too large): CloudFront's XML error document, naming neither the server nor its version. Tomcat
 * creates it by name ({@code StandardHost.errorReportValveClass}), hence public.
 */
public class EdgeErrorValve extends ErrorReportValve {

	public EdgeErrorValve() {
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
		String code = status == 400 ? "InvalidRequest" : status < 500 ? "AccessDenied" : "InternalError";
		try {
			response.setContentType("text/xml");
			response.setCharacterEncoding("utf-8");
			response.setHeader("Cache-Control", "no-store");
			response.setHeader("X-Cache", "Error from keyframe-edge");
			Writer writer = response.getReporter();
			if (writer != null) {
				writer.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
						+ "</Code><Message>The edge could not read this request</Message></Error>");
				response.finishResponse();
			}
		}
		catch (IOException | IllegalStateException ex) {
			// the client went away, or the response cannot take a body: nothing more to say
		}
	}

}
