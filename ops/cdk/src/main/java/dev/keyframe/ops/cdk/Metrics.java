package dev.keyframe.ops.cdk;

/**
 * How the app's own gauges reach CloudWatch. Spring Boot 4.0.5 no longer auto-configures Micrometer's CloudWatch
 * registry (its {@code management.cloudwatch.metrics.export.*} is gone from spring-boot-micrometer-metrics), so the
 * app keeps serving Prometheus and an AWS Distro for OpenTelemetry collector runs beside it in the web, live and transcoder tasks:
 * it scrapes {@code /actuator/prometheus} on localhost every 15 s with an admin's API token and writes the gauges the
 * alarms and the worker wake-up need as CloudWatch metrics (embedded metric format) in the namespace {@code Keyframe}.
 */
final class Metrics {

	static final String NAMESPACE = "Keyframe";

	static final String LOG_GROUP = "/keyframe/metrics";

	/** Every exported series carries this dimension, so the queue gauge is one series however many web tasks report. */
	static final String FLEET_DIMENSION = "fleet";

	static final String FLEET = "keyframe";

	static final String MANIFEST_AGE = "keyframe_live_manifest_age_seconds";

	static final String QUEUE_DEPTH = "keyframe_queue_depth";

	private Metrics() {
	}

	/** The collector's configuration ({@code AOT_CONFIG_CONTENT}); the token comes from the task's secret. */
	static String collectorConfig(String region) {
		return """
				extensions:
				  health_check:
				receivers:
				  prometheus:
				    config:
				      scrape_configs:
				        - job_name: keyframe
				          scrape_interval: 15s
				          metrics_path: /actuator/prometheus
				          authorization:
				            type: Bearer
				            credentials: ${env:KEYFRAME_METRICS_TOKEN}
				          static_configs:
				            - targets: ['localhost:8080']
				              labels:
				                fleet: keyframe
				exporters:
				  awsemf:
				    region: %s
				    namespace: %s
				    log_group_name: %s
				    dimension_rollup_option: NoDimensionRollup
				    metric_declarations:
				      - dimensions: [[fleet, channel]]
				        metric_name_selectors: [%s]
				      - dimensions: [[fleet]]
				        metric_name_selectors: [%s, keyframe_queue_dead_letters, keyframe_queue_in_flight]
				service:
				  extensions: [health_check]
				  pipelines:
				    metrics:
				      receivers: [prometheus]
				      exporters: [awsemf]
				""".formatted(region, NAMESPACE, LOG_GROUP, MANIFEST_AGE, QUEUE_DEPTH);
	}

}
