package dev.keyframe.ops.cdk;

import software.constructs.Node;

/**
 * What an operator chooses for one Keyframe deployment: domain names and sizes, read from CDK context
 * ({@code cdk deploy -c appDomain=video.example.com}, {@code ops/keyframe synth appDomain=video.example.com}).
 * Every value has a default so that the app synthesizes on a fresh clone; the domains must be changed for a real
 * deployment.
 *
 * @param region where the bucket, queues, database and fleet live (CloudFront's WAF ACL and certificate always live
 * in us-east-1, in the edge stack)
 * @param appDomain the web app (ALB): pages, API, grants
 * @param mediaDomain the CloudFront distribution's alternate domain name
 * @param ingestDomain the live ingest NLB (RTMP and MPEG-TS over HTTP)
 * @param parentDomain the domain the app and the CDN share, so signed cookies set by the app reach the CDN
 * @param hostedZoneId optional Route 53 zone of the parent domain: certificates are validated and records created in
 * it; empty means DNS validation records and aliases are created by hand (the runbook says which)
 * @param imageRepository the ECR repository the image is pushed to (created before the first deploy)
 * @param imageTag the image tag every role runs
 * @param cdnKeySecretName the Secrets Manager secret (JSON, fields key0 and key1) holding the CDN's private keys
 * @param cdnKeySecretArn that secret's complete ARN, when given preferred to the name (ECS then needs no lookup)
 */
record Settings(String region, String appDomain, String mediaDomain, String ingestDomain, String parentDomain,
		String hostedZoneId, String imageRepository, String imageTag, int natGateways, int webCount, int webCpu,
		int webMemory, int workerCpu, int workerMemory, int workerJobs, int workerMaxCount, int workerBacklogPerJob,
		int liveCount, int liveCpu, int liveMemory, int transcoderCpu, int transcoderMemory, String dbInstanceClass,
		int dbStorageGb, boolean dbMultiAz, int wafRateLimit, String cdnKeySecretName, String cdnKeySecretArn,
		String collectorImage,
		int queueAgeAlarmSeconds, int manifestAgeAlarmSeconds) {

	static final String EDGE_REGION = "us-east-1";

	static Settings from(Node node) {
		String appDomain = string(node, "appDomain", "video.example.com");
		String parent = string(node, "parentDomain", appDomain.substring(appDomain.indexOf('.') + 1));
		return new Settings(string(node, "region", EDGE_REGION), appDomain,
				string(node, "mediaDomain", "cdn." + parent), string(node, "ingestDomain", "ingest." + parent), parent,
				string(node, "hostedZoneId", ""), string(node, "imageRepository", "keyframe"),
				string(node, "imageTag", "latest"), integer(node, "natGateways", 1), integer(node, "webCount", 2),
				integer(node, "webCpu", 1024), integer(node, "webMemory", 2048), integer(node, "workerCpu", 2048),
				integer(node, "workerMemory", 4096), integer(node, "workerJobs", 2), integer(node, "workerMaxCount", 10),
				integer(node, "workerBacklogPerJob", 2), integer(node, "liveCount", 1), integer(node, "liveCpu", 512),
				integer(node, "liveMemory", 1024), integer(node, "transcoderCpu", 4096),
				integer(node, "transcoderMemory", 8192), string(node, "dbInstanceClass", "t4g.small"),
				integer(node, "dbStorageGb", 20), bool(node, "dbMultiAz", false), integer(node, "wafRateLimit", 3000),
				string(node, "cdnKeySecretName", "keyframe/cdn-signing-keys"), string(node, "cdnKeySecretArn", ""),
				string(node, "collectorImage", "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3"),
				integer(node, "queueAgeAlarmSeconds", 900), integer(node, "manifestAgeAlarmSeconds", 12));
	}

	/** {@code https://<media domain>}, what the app puts in signed URLs. */
	String cdnUrl() {
		return "https://" + mediaDomain;
	}

	/** The cookie domain both the app and the CDN are under, {@code .example.com}. */
	String cookieDomain() {
		return "." + parentDomain;
	}

	/** The web app's origin, the only one the CDN's CORS policy allows. */
	String appOrigin() {
		return "https://" + appDomain;
	}

	/** Jobs the worker fleet should run at once per task before another task is worth starting. */
	int targetBacklogPerTask() {
		return workerJobs * workerBacklogPerJob;
	}

	private static String string(Node node, String key, String fallback) {
		Object value = node.tryGetContext(key);
		return value == null || value.toString().isBlank() ? fallback : value.toString().trim();
	}

	private static int integer(Node node, String key, int fallback) {
		Object value = node.tryGetContext(key);
		return value == null ? fallback : Integer.parseInt(value.toString().trim());
	}

	private static boolean bool(Node node, String key, boolean fallback) {
		Object value = node.tryGetContext(key);
		return value == null ? fallback : Boolean.parseBoolean(value.toString().trim());
	}

}
