package dev.keyframe.platform.internal;

import org.apache.catalina.connector.Response;
import org.springframework.http.HttpStatus;

import dev.keyframe.platform.TomcatErrorValve;

/**
 * The app's answer to what Tomcat refuses itself: Keyframe's own RFC 9457 problem document. Everything else is
 * answered by Spring's error handling before it gets here.
 */
public class ProblemErrorValve extends TomcatErrorValve {

	@Override
	protected String answer(Response response, int status) {
		HttpStatus known = HttpStatus.resolve(status);
		String title = known == null ? "Error" : known.getReasonPhrase();
		String detail = status < 500 ? "Keyframe could not read this request." : "Keyframe could not answer this request.";
		response.setContentType("application/problem+json");
		return "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\"" + detail
				+ "\"}";
	}

}
