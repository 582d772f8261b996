package dev.keyframe.platform.internal;

import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Has Tomcat answer what it refuses itself with {@link ProblemErrorValve}, in place of its own error page (and of
 * the plain one Spring Boot installs), so no answer of the app's port names the server or its version.
 */
@Component
class ErrorPages implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		factory.addContextCustomizers(context -> {
			if (context.getParent() instanceof StandardHost host) {
				host.setErrorReportValveClass(ProblemErrorValve.class.getName());
				host.addLifecycleListener(event -> {
					if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
						for (Valve valve : host.getPipeline().getValves()) {
							if (valve.getClass() == ErrorReportValve.class) {
								host.getPipeline().removeValve(valve);
							}
						}
					}
				});
			}
		});
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
