package dev.keyframe.playback.edge;

import org.apache.catalina.connector.Response;

import dev.keyframe.platform.TomcatErrorValve;

/** The edge's answer to what Tomcat refuses itself: CloudFront's XML error document. */
public class EdgeErrorValve extends TomcatErrorValve {

	@Override
	protected String answer(Response response, int status) {
		String code = status == 400 ? "InvalidRequest" : status < 500 ? "AccessDenied" : "InternalError";
		response.setContentType("text/xml");
		response.setHeader("Cache-Control", "no-store");
		response.setHeader("X-Cache", "Error from keyframe-edge");
		return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code
				+ "</Code><Message>The edge could not read this request</Message></Error>";
	}

}
