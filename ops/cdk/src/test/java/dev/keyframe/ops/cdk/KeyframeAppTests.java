package dev.keyframe.ops.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The synthesized templates, as CloudFormation will see them: one synthesis for the whole class (about half a minute
 * of jsii), shared by every test.
 */
class KeyframeAppTests {

	static KeyframeApp.Stacks stacks;

	static Template edge;

	static Template keyframe;

	static Map<String, Map<String, Object>> resources;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void synthesize() {
		stacks = KeyframeApp.define(KeyframeApp.app(Map.of("appDomain", "video.example.com")));
		edge = Template.fromStack(stacks.edge());
		keyframe = Template.fromStack(stacks.keyframe());
		resources = (Map<String, Map<String, Object>>) keyframe.toJSON().get("Resources");
	}

	@Test
	void synthesizesWhatTheIssueLists() {
		keyframe.resourceCountIs("AWS::CloudFront::Distribution", 1);
		keyframe.resourceCountIs("AWS::CloudFront::KeyGroup", 1);
		keyframe.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
		keyframe.resourceCountIs("AWS::SQS::Queue", 2);
		keyframe.resourceCountIs("AWS::ECS::Service", 3);
		keyframe.resourceCountIs("AWS::ECS::TaskDefinition", 4);
		keyframe.resourceCountIs("AWS::RDS::DBInstance", 1);
		keyframe.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 2);
		edge.resourceCountIs("AWS::WAFv2::WebACL", 1);
		assertEquals("us-east-1", stacks.edge().getRegion());
	}

	@Test
	void mediaBucketIsPrivateTlsOnlyUnversionedAndAbortsAbandonedUploads() {
		keyframe.hasResourceProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
				"PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
						"IgnorePublicAcls", true, "RestrictPublicBuckets", true),
				"LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
						"AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 7), "Status", "Enabled")))),
				"CorsConfiguration", Map.of("CorsRules", List.of(Match.objectLike(Map.of(
						"AllowedMethods", List.of("PUT"), "AllowedOrigins", List.of("https://video.example.com"),
						"ExposedHeaders", List.of("ETag"))))))));
		Map<String, Object> media = only("AWS::S3::Bucket", r -> props(r).containsKey("CorsConfiguration"));
		assertFalse(props(media).containsKey("VersioningConfiguration"), "versioning stays off for media");
		for (Map<String, Object> bucket : all("AWS::S3::Bucket")) {
			assertTrue(props(bucket).containsKey("PublicAccessBlockConfiguration"), "every bucket blocks public access");
		}
		// enforceSSL: a deny on aws:SecureTransport=false in each bucket's policy
		for (Map<String, Object> policy : all("AWS::S3::BucketPolicy")) {
			assertTrue(json(policy).contains("\"aws:SecureTransport\":\"false\""), "TLS only");
		}
	}

	@Test
	void onlyCloudFrontReadsTheBucketAndOnlyMedia() {
		keyframe.hasResourceProperties("AWS::CloudFront::OriginAccessControl", Map.of("OriginAccessControlConfig",
				Match.objectLike(Map.of("OriginAccessControlOriginType", "s3", "SigningBehavior", "always",
						"SigningProtocol", "sigv4"))));
		Map<String, Object> policy = only("AWS::S3::BucketPolicy", r -> json(r).contains("cloudfront.amazonaws.com"));
		String text = json(policy);
		assertTrue(text.contains("\"/media/*\""), text);
		assertTrue(text.contains("AWS:SourceArn"), text);
		assertFalse(text.contains("\"/*\"]]},\"Sid\":\"CloudFrontReadsMediaOnly\""), "no bucket-wide read");
		List<?> statements = (List<?>) ((Map<?, ?>) props(policy).get("PolicyDocument")).get("Statement");
		long allows = statements.stream().filter(s -> "Allow".equals(((Map<?, ?>) s).get("Effect"))).count();
		assertEquals(1, allows, "the distribution's read is the only grant");
	}

	@Test
	void distributionShieldsTheOriginAndRequiresSignaturesOnMedia() {
		Capture keyGroup = new Capture();
		keyframe.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(Map.of(
				"Origins", List.of(Match.objectLike(Map.of(
						"OriginShield", Map.of("Enabled", true, "OriginShieldRegion", "us-east-1"),
						"OriginAccessControlId", Match.anyValue()))),
				"Aliases", List.of("cdn.example.com"),
				"DefaultCacheBehavior", Match.objectLike(Map.of("TrustedKeyGroups", List.of(keyGroup))),
				"CacheBehaviors", List.of(
						Match.objectLike(Map.of("PathPattern", "media/*.m3u8", "TrustedKeyGroups", List.of(Match.anyValue()),
								"ViewerProtocolPolicy", "redirect-to-https")),
						Match.objectLike(Map.of("PathPattern", "media/*", "TrustedKeyGroups", List.of(Match.anyValue()),
								"ViewerProtocolPolicy", "redirect-to-https", "Compress", false))),
				"WebACLId", Match.anyValue()))));
		assertEquals(Map.of("Ref", logicalId("AWS::CloudFront::KeyGroup")), keyGroup.asObject());
	}

	@Test
	void segmentsAreImmutableForAYearAndPlaylistsLiveOneToTwoSeconds() {
		keyframe.hasResourceProperties("AWS::CloudFront::CachePolicy", Map.of("CachePolicyConfig", Match.objectLike(Map.of(
				"Name", Match.stringLikeRegexp("segments"), "MinTTL", 86400, "DefaultTTL", 31536000, "MaxTTL", 31536000))));
		keyframe.hasResourceProperties("AWS::CloudFront::CachePolicy", Map.of("CachePolicyConfig", Match.objectLike(Map.of(
				"Name", Match.stringLikeRegexp("playlists"), "MinTTL", 1, "DefaultTTL", 1, "MaxTTL", 2))));
		// never 0 (which would be no caching and no request collapsing)
		for (Map<String, Object> policy : all("AWS::CloudFront::CachePolicy")) {
			Map<?, ?> config = (Map<?, ?>) props(policy).get("CachePolicyConfig");
			assertTrue(((Number) config.get("MinTTL")).intValue() >= 1, config.toString());
		}
	}

	@Test
	void corsLetsTheAppReadMediaWithCredentials() {
		keyframe.hasResourceProperties("AWS::CloudFront::ResponseHeadersPolicy", Map.of("ResponseHeadersPolicyConfig",
				Match.objectLike(Map.of("CorsConfig", Match.objectLike(Map.of(
						"AccessControlAllowCredentials", true,
						"AccessControlAllowOrigins", Map.of("Items", List.of("https://video.example.com")),
						"AccessControlExposeHeaders", Map.of("Items", List.of("Content-Length", "Content-Range"))))))));
	}

	@Test
	void errorsAreNotCached() {
		keyframe.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(Map.of(
				"CustomErrorResponses", Match.arrayWith(List.of(
						Map.of("ErrorCode", 403, "ErrorCachingMinTTL", 0),
						Map.of("ErrorCode", 404, "ErrorCachingMinTTL", 0)))))));
	}

	@Test
	void keyGroupHasRoomForTwoKeysTheSecondOptional() {
		keyframe.resourceCountIs("AWS::CloudFront::PublicKey", 2);
		keyframe.hasParameter("CdnPublicKey0", Map.of("Type", "String"));
		keyframe.hasParameter("CdnPublicKey1", Map.of("Type", "String", "Default", ""));
		keyframe.hasParameter(Delivery.SIGNING_SLOT, Map.of("AllowedValues", List.of("0", "1"), "Default", "0"));
		keyframe.hasResource("AWS::CloudFront::PublicKey", Map.of("Condition", "HasCdnPublicKey1"));
		String group = json(only("AWS::CloudFront::KeyGroup", r -> true));
		assertTrue(group.contains("HasCdnPublicKey1"), group);
	}

	@Test
	void wafIsForCloudFrontWithARateRule() {
		edge.hasResourceProperties("AWS::WAFv2::WebACL", Match.objectLike(Map.of(
				"Scope", "CLOUDFRONT",
				"Rules", Match.arrayWith(List.of(Match.objectLike(Map.of(
						"Action", Map.of("Block", Map.of()),
						"Statement", Map.of("RateBasedStatement", Match.objectLike(Map.of(
								"AggregateKeyType", "IP", "Limit", 3000))))))))));
	}

	@Test
	void jobQueueRedrivesToTheDeadLetterQueueAfterFiveReceives() {
		Capture dlq = new Capture();
		keyframe.hasResourceProperties("AWS::SQS::Queue", Map.of(
				"QueueName", "keyframe-jobs",
				"VisibilityTimeout", 60,
				"RedrivePolicy", Map.of("deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(dlq, "Arn")), "maxReceiveCount", 5),
				"SqsManagedSseEnabled", true));
		assertEquals("keyframe-jobs-dead", props(resources.get(dlq.asString())).get("QueueName"));
	}

	@Test
	void databaseIsPostgres17WithItsCredentialsInSecretsManager() {
		keyframe.hasResourceProperties("AWS::RDS::DBInstance", Match.objectLike(Map.of(
				"Engine", "postgres", "EngineVersion", Match.stringLikeRegexp("^17"), "StorageEncrypted", true,
				"PubliclyAccessible", false, "DBName", "keyframe")));
		String password = json(props(only("AWS::RDS::DBInstance", r -> true)).get("MasterUserPassword"));
		assertTrue(password.contains("resolve:secretsmanager"), password);
		keyframe.resourceCountIs("AWS::SecretsManager::SecretTargetAttachment", 1);
	}

	@Test
	void webRunsBehindTheAlbWithTheHealthEndpoint() {
		service("web");
		keyframe.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Match.objectLike(Map.of(
				"HealthCheckPath", "/actuator/health", "Port", 8080, "Protocol", "HTTP", "TargetType", "ip")));
		keyframe.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Match.objectLike(Map.of(
				"Port", 443, "Protocol", "HTTPS")));
		assertEquals("web,scheduler", environment("keyframe-web").get("KEYFRAME_ROLES"));
	}

	@Test
	void liveIngestRunsBehindTheNlbOnRtmpHttpAndSrtIngest() {
		service("live");
		for (int port : List.of(1935, 19350)) {
			keyframe.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Match.objectLike(Map.of(
					"Port", port, "Protocol", "TCP")));
			keyframe.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Match.objectLike(Map.of(
					"Port", port, "Protocol", "TCP", "HealthCheckPath", "/actuator/health", "HealthCheckPort", "8080")));
		}
		keyframe.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener", Match.objectLike(Map.of(
				"Port", 19352, "Protocol", "UDP")));
		keyframe.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup", Match.objectLike(Map.of(
				"Port", 19352, "Protocol", "UDP", "HealthCheckProtocol", "HTTP", "HealthCheckPort", "8080")));
		keyframe.hasResourceProperties("AWS::ElasticLoadBalancingV2::LoadBalancer", Match.objectLike(Map.of(
				"Type", "network", "Scheme", "internet-facing")));
		Map<String, String> env = environment("keyframe-live");
		assertEquals("live", env.get("KEYFRAME_ROLES"));
		assertEquals("ecs", env.get("KEYFRAME_LIVE_LAUNCHER"));
		assertEquals("19350", env.get("KEYFRAME_LIVE_INGEST_PORT"));
		assertEquals("1935", env.get("KEYFRAME_LIVE_RTMP_PORT"));
		assertEquals("keyframe", env.get("KEYFRAME_LIVE_ECS_CONTAINER"));
		assertEquals("false", env.get("KEYFRAME_LIVE_ECS_ASSIGN_PUBLIC_IP"));
		assertEquals("http://ingest.example.com:19350", env.get("KEYFRAME_LIVE_INGEST_URL"));
		assertEquals("rtmp://ingest.example.com:1935/live", env.get("KEYFRAME_LIVE_RTMP_URL"));
		assertEquals("19352", env.get("KEYFRAME_LIVE_SRT_PORT"));
		assertEquals("srt://ingest.example.com:19352", env.get("KEYFRAME_LIVE_SRT_URL"));
		for (String key : List.of("KEYFRAME_LIVE_ECS_CLUSTER", "KEYFRAME_LIVE_ECS_TASK_DEFINITION",
				"KEYFRAME_LIVE_ECS_SUBNETS", "KEYFRAME_LIVE_ECS_SECURITY_GROUPS")) {
			assertTrue(env.containsKey(key), key);
		}
		String container = json(container("keyframe-live"));
		assertTrue(container.contains("\"Ref\":\"" + logicalId("AWS::ECS::TaskDefinition", "keyframe-transcoder") + "\""),
				"the launcher runs the transcoder task definition");
	}

	@Test
	void workersScaleOnBacklogPerTaskDownToZeroAndWakeByAStep() {
		service("worker");
		keyframe.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", Match.objectLike(Map.of(
				"MinCapacity", 0, "ScalableDimension", "ecs:service:DesiredCount")));
		keyframe.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", Match.objectLike(Map.of(
				"PolicyType", "TargetTrackingScaling",
				"TargetTrackingScalingPolicyConfiguration", Match.objectLike(Map.of(
						"TargetValue", 4,
						"CustomizedMetricSpecification", Map.of("Metrics", Match.arrayWith(List.of(Match.objectLike(Map.of(
								"Id", "backlogPerTask", "ReturnData", true, "Expression", Match.stringLikeRegexp("tasks")))))))))));
		keyframe.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", Match.objectLike(Map.of(
				"PolicyType", "StepScaling",
				"StepScalingPolicyConfiguration", Match.objectLike(Map.of("AdjustmentType", "ChangeInCapacity",
						"StepAdjustments", List.of(Map.of("MetricIntervalLowerBound", 0, "ScalingAdjustment", 1)))))));
		// the scaling owns the count: a deploy leaves it where it is
		keyframe.hasResourceProperties("AWS::ECS::Service", Match.objectLike(Map.of("ServiceName", "worker",
				"DesiredCount", Match.absent())));
		keyframe.hasResourceProperties("AWS::ECS::Service", Match.objectLike(Map.of("ServiceName", "web", "DesiredCount", 2)));
		Map<String, String> env = environment("keyframe-worker");
		assertEquals("worker", env.get("KEYFRAME_ROLES"));
		assertEquals("2", env.get("KEYFRAME_TRANSCODE_WORKERS"));
	}

	@Test
	void transcoderTaskTakesTheRelayFromLiveTasksOnly() {
		Map<String, String> env = environment("keyframe-transcoder");
		assertEquals("transcoder", env.get("KEYFRAME_ROLES"));
		assertEquals("0.0.0.0", env.get("KEYFRAME_LIVE_RELAY_BIND"));
		assertEquals("19400", env.get("KEYFRAME_LIVE_RELAY_PORT"));
		String transcoderGroup = logicalId("AWS::EC2::SecurityGroup", "per-stream transcoders");
		String liveGroup = logicalId("AWS::EC2::SecurityGroup", "live ingest tasks");
		List<Map<String, Object>> into = all("AWS::EC2::SecurityGroupIngress").stream()
			.filter(r -> json(props(r).get("GroupId")).contains(transcoderGroup))
			.toList();
		assertEquals(1, into.size(), "one way into a transcoder");
		Map<String, Object> rule = props(into.get(0));
		assertEquals(19400, rule.get("FromPort"));
		assertEquals(19400, rule.get("ToPort"));
		assertTrue(json(rule.get("SourceSecurityGroupId")).contains(liveGroup), rule.toString());
	}

	@Test
	void liveTasksMayRunWatchAndStopTranscodersAndNothingElse() {
		String live = json(rolePolicy("LiveTask"));
		assertTrue(live.contains("\"ecs:RunTask\""), live);
		assertTrue(live.contains("task-definition/keyframe-transcoder:*"), live);
		assertTrue(live.contains("\"ecs:StopTask\",\"ecs:DescribeTasks\""), live);
		assertTrue(live.contains("\"iam:PassRole\""), live);
		assertTrue(live.contains(logicalIdStartingWith("AWS::IAM::Role", "TranscoderTaskTaskRole")), live);
		assertTrue(live.contains(logicalIdStartingWith("AWS::IAM::Role", "TranscoderTaskExecutionRole")), live);
		for (String other : List.of("WebTask", "WorkerTask", "TranscoderTask")) {
			String text = json(rolePolicy(other));
			assertFalse(text.contains("ecs:RunTask") || text.contains("iam:PassRole"), other + " " + text);
		}
	}

	@Test
	void everyRoleIsGivenTheAppsSettings() {
		for (String family : List.of("keyframe-web", "keyframe-worker", "keyframe-live", "keyframe-transcoder")) {
			Map<String, String> env = environment(family);
			assertEquals("false", env.get("KEYFRAME_LOCAL_ENABLED"), family);
			assertEquals("8080", env.get("SERVER_PORT"), family);
			assertEquals("us-east-1", env.get("KEYFRAME_STORAGE_REGION"), family);
			assertEquals("us-east-1", env.get("KEYFRAME_QUEUE_REGION"), family);
			assertEquals("https://cdn.example.com", env.get("KEYFRAME_CDN_URL"), family);
			assertEquals(".example.com", env.get("KEYFRAME_CDN_COOKIE_DOMAIN"), family);
			for (String key : List.of("SPRING_DATASOURCE_URL", "KEYFRAME_STORAGE_BUCKET", "KEYFRAME_QUEUE_URL",
					"KEYFRAME_QUEUE_DEAD_LETTER_URL", "KEYFRAME_CDN_KEYS_0_ID")) {
				assertTrue(env.containsKey(key), family + " " + key);
			}
			List<String> secrets = ((List<?>) container(family).get("Secrets")).stream()
				.map(s -> (String) ((Map<?, ?>) s).get("Name"))
				.toList();
			assertTrue(secrets.containsAll(List.of("SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD",
					"KEYFRAME_CDN_KEYS_0_PRIVATE_KEY")), family + " " + secrets);
			assertTrue(json(container(family).get("HealthCheck")).contains("/actuator/health"), family);
		}
	}

	@Test
	void noPolicyGrantsS3OrSqsOnEveryResource() {
		List<String> offending = new ArrayList<>();
		for (var entry : resources.entrySet()) {
			if (!"AWS::IAM::Policy".equals(entry.getValue().get("Type"))) {
				continue;
			}
			Map<?, ?> document = (Map<?, ?>) props(entry.getValue()).get("PolicyDocument");
			for (Object s : (List<?>) document.get("Statement")) {
				Map<?, ?> statement = (Map<?, ?>) s;
				Collection<?> actions = asList(statement.get("Action"));
				Collection<?> targets = asList(statement.get("Resource"));
				boolean storageOrQueue = actions.stream().map(Object::toString)
					.anyMatch(a -> a.startsWith("s3:") || a.startsWith("sqs:") || a.equals("*"));
				if (storageOrQueue && targets.contains("*")) {
					offending.add(entry.getKey() + " " + actions);
				}
			}
		}
		assertTrue(offending.isEmpty(), "S3 or SQS actions on Resource *: " + offending);
	}

	@Test
	void eachRoleTouchesOnlyItsPrefixes() {
		// Workers read sources and write media; only web/scheduler and the transcoder write sources; only web and
		// the scheduler delete them.
		assertFalse(writes(rolePolicy("WorkerTask"), "sources"), "workers never write sources");
		assertTrue(writes(rolePolicy("WorkerTask"), "media"));
		assertTrue(writes(rolePolicy("TranscoderTask"), "sources"));
		assertTrue(writes(rolePolicy("WebTask"), "sources"));
		assertFalse(json(rolePolicy("WorkerTask")).contains("sqs:SendMessage\"],\"Effect\":\"Allow\",\"Resource\":[{\"Fn::GetAtt\":[\""
				+ logicalId("AWS::SQS::Queue", "keyframe-jobs-dead")), "nothing sends to the dead-letter queue");
		String worker = json(rolePolicy("WorkerTask"));
		assertTrue(worker.contains("sqs:ReceiveMessage") && worker.contains("sqs:ChangeMessageVisibility"), worker);
		assertFalse(json(rolePolicy("WebTask")).contains("sqs:ReceiveMessage"), "web never takes jobs");
	}

	@Test
	void alarmsWatchQueueAgeDeadLettersManifestAgeAndEdgeErrors() {
		keyframe.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
				"AlarmName", "keyframe-queue-age", "MetricName", "ApproximateAgeOfOldestMessage", "Namespace", "AWS/SQS")));
		keyframe.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
				"AlarmName", "keyframe-dead-letters", "MetricName", "ApproximateNumberOfMessagesVisible",
				"Threshold", 0, "ComparisonOperator", "GreaterThanThreshold")));
		keyframe.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
				"AlarmName", "keyframe-live-manifest-age",
				"Metrics", List.of(Match.objectLike(Map.of("Expression",
						Match.stringLikeRegexp("keyframe_live_manifest_age_seconds")))))));
		keyframe.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
				"AlarmName", "keyframe-edge-5xx", "MetricName", "5xxErrorRate", "Namespace", "AWS/CloudFront")));
		String collector = json(container("keyframe-live", "metrics"));
		assertTrue(collector.contains("/actuator/prometheus") && collector.contains("awsemf"), collector);
	}

	@Test
	void cdkNagFindsNothingUnsuppressed() {
		for (var stack : List.of(stacks.edge(), stacks.keyframe())) {
			var errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
			var warnings = Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
			assertTrue(errors.isEmpty(), stack.getStackName() + ": " + errors.stream()
				.map(m -> m.getId() + " " + m.getEntry().getData()).collect(Collectors.joining("\n")));
			assertTrue(warnings.isEmpty(), stack.getStackName() + ": " + warnings.stream()
				.map(m -> m.getId() + " " + m.getEntry().getData()).collect(Collectors.joining("\n")));
		}
	}

	@Test
	void everySuppressionSaysWhy() {
		Map<?, ?> metadata = (Map<?, ?>) keyframe.toJSON().get("Metadata");
		List<?> suppressions = (List<?>) ((Map<?, ?>) metadata.get("cdk_nag")).get("rules_to_suppress");
		assertFalse(suppressions.isEmpty());
		for (Object s : suppressions) {
			String reason = (String) ((Map<?, ?>) s).get("reason");
			assertTrue(reason != null && reason.length() >= 40, "a reason, not a shrug: " + s);
		}
	}

	// --- reading the template

	@SuppressWarnings("unchecked")
	static Map<String, Object> props(Map<String, Object> resource) {
		return (Map<String, Object>) resource.get("Properties");
	}

	static List<Map<String, Object>> all(String type) {
		return resources.values().stream().filter(r -> type.equals(r.get("Type"))).toList();
	}

	static Map<String, Object> only(String type, java.util.function.Predicate<Map<String, Object>> which) {
		List<Map<String, Object>> found = all(type).stream().filter(which).toList();
		assertEquals(1, found.size(), type);
		return found.get(0);
	}

	static String logicalId(String type) {
		return logicalId(type, "");
	}

	/** The one resource of a type whose JSON mentions a text. */
	static String logicalId(String type, String mentioning) {
		List<String> ids = resources.entrySet().stream()
			.filter(e -> type.equals(e.getValue().get("Type")) && json(e.getValue()).contains(mentioning))
			.map(Map.Entry::getKey)
			.toList();
		assertEquals(1, ids.size(), type + " mentioning " + mentioning + ": " + ids);
		return ids.get(0);
	}

	static String logicalIdStartingWith(String type, String prefix) {
		return resources.entrySet().stream()
			.filter(e -> type.equals(e.getValue().get("Type")) && e.getKey().startsWith(prefix))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElseThrow();
	}

	static void service(String name) {
		keyframe.hasResourceProperties("AWS::ECS::Service", Match.objectLike(Map.of("ServiceName", name,
				"NetworkConfiguration", Map.of("AwsvpcConfiguration", Match.objectLike(Map.of("AssignPublicIp", "DISABLED"))))));
	}

	static Map<String, Object> container(String family) {
		return container(family, KeyframeStack.CONTAINER);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> container(String family, String name) {
		Map<String, Object> task = only("AWS::ECS::TaskDefinition", r -> family.equals(props(r).get("Family")));
		return ((List<Map<String, Object>>) props(task).get("ContainerDefinitions")).stream()
			.filter(c -> name.equals(c.get("Name")))
			.findFirst()
			.orElseThrow();
	}

	/** A container's plain environment; values that are tokens are kept as their JSON. */
	static Map<String, String> environment(String family) {
		return ((List<?>) container(family).get("Environment")).stream()
			.map(e -> (Map<?, ?>) e)
			.collect(Collectors.toMap(e -> (String) e.get("Name"),
					e -> e.get("Value") instanceof String s ? s : json(e.get("Value"))));
	}

	/** The task role's policy of a task definition, by the CDK's construct id. */
	static Map<String, Object> rolePolicy(String taskId) {
		return resources.entrySet().stream()
			.filter(e -> "AWS::IAM::Policy".equals(e.getValue().get("Type")) && e.getKey().startsWith(taskId + "TaskRole"))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElseThrow();
	}

	static boolean writes(Map<String, Object> policy, String prefix) {
		Map<?, ?> document = (Map<?, ?>) props(policy).get("PolicyDocument");
		return ((List<?>) document.get("Statement")).stream()
			.map(s -> (Map<?, ?>) s)
			.filter(s -> asList(s.get("Action")).contains("s3:PutObject"))
			.anyMatch(s -> json(s.get("Resource")).contains("/" + prefix + "/*"));
	}

	static Collection<?> asList(Object value) {
		return value instanceof Collection<?> c ? c : List.of(value);
	}

	static String json(Object value) {
		try {
			return MAPPER.writeValueAsString(value);
		}
		catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}

	static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

}
