package dev.keyframe.ops.cdk;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.applicationautoscaling.AdjustmentTier;
import software.amazon.awscdk.services.applicationautoscaling.AdjustmentType;
import software.amazon.awscdk.services.applicationautoscaling.CfnScalingPolicy;
import software.amazon.awscdk.services.applicationautoscaling.ScalableTarget;
import software.amazon.awscdk.services.applicationautoscaling.ServiceNamespace;
import software.amazon.awscdk.services.applicationautoscaling.StepScalingAction;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.certificatemanager.CertificateValidation;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.ApplicationScalingAction;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecs.CapacityProviderStrategy;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.ContainerInsights;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.HealthCheck;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.Protocol;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddApplicationTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddNetworkTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.CredentialsBaseOptions;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;
import software.amazon.awscdk.services.rds.StorageType;
import software.amazon.awscdk.services.route53.ARecord;
import software.amazon.awscdk.services.route53.IHostedZone;
import software.amazon.awscdk.services.route53.RecordTarget;
import software.amazon.awscdk.services.route53.targets.CloudFrontTarget;
import software.amazon.awscdk.services.route53.targets.LoadBalancerTarget;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Keyframe in one region: network, bucket and distribution, queues, database, and the fleet of one image in four
 * roles (web, worker, live, and the per-stream transcoder task definition), with its alarms.
 */
final class KeyframeStack extends Stack {

	static final String CLUSTER = "keyframe";

	static final String TRANSCODER_FAMILY = "keyframe-transcoder";

	static final String CONTAINER = "keyframe";

	static final int HTTP = 8080;

	static final int RTMP = 1935;

	static final int INGEST = 19350;

	static final int SRT = 19352;

	static final int RELAY = 19400;

	/** {@code keyframe.transcode.visibility-timeout}'s default; the app's leases are three quarters of it. */
	static final Duration VISIBILITY_TIMEOUT = Duration.seconds(60);

	/** Receives before SQS moves a message to the dead-letter queue, as the app expects (its attempts stop at 3). */
	static final int MAX_RECEIVE_COUNT = 5;

	private final Settings settings;

	private final Delivery delivery;

	private final Queue jobs;

	private final Queue deadLetters;

	private final DatabaseInstance database;

	private final ISecret cdnKeys;

	private final ISecret metricsToken;

	private final IRepository repository;

	private final LogGroup appLogs;

	private final LogGroup metricsLogs;

	private final Cluster cluster;

	private final Vpc vpc;

	private final ITopic alarms;

	private final FargateService web;

	private final FargateService worker;

	private final FargateService live;

	private final FargateTaskDefinition transcoder;

	KeyframeStack(Construct scope, String id, StackProps props, Settings settings, ICertificate mediaCertificate,
			String webAclArn) {
		super(scope, id, props);
		this.settings = settings;
		IHostedZone zone = Dns.zone(this, settings).orElse(null);

		this.delivery = new Delivery(this, "Delivery", settings, mediaCertificate, webAclArn);

		// Public subnets for the load balancers (and one NAT gateway), private ones for the tasks, isolated ones for
		// the database. S3 traffic, which is nearly all of it, takes the free gateway endpoint, not the NAT.
		this.vpc = Vpc.Builder.create(this, "Network")
			.maxAzs(2)
			.natGateways(settings.natGateways())
			.restrictDefaultSecurityGroup(false)
			.subnetConfiguration(List.of(
					SubnetConfiguration.builder().name("public").subnetType(SubnetType.PUBLIC).cidrMask(24).build(),
					SubnetConfiguration.builder().name("tasks").subnetType(SubnetType.PRIVATE_WITH_EGRESS).cidrMask(20).build(),
					SubnetConfiguration.builder().name("database").subnetType(SubnetType.PRIVATE_ISOLATED).cidrMask(24).build()))
			.gatewayEndpoints(Map.of("S3", GatewayVpcEndpointOptions.builder().service(GatewayVpcEndpointAwsService.S3).build()))
			.flowLogs(Map.of("ToLogBucket", FlowLogOptions.builder()
				.destination(FlowLogDestination.toS3(delivery.logs(), "vpc/"))
				.build()))
			.build();

		this.deadLetters = Queue.Builder.create(this, "DeadLetters")
			.queueName("keyframe-jobs-dead")
			.retentionPeriod(Duration.days(14))
			.encryption(QueueEncryption.SQS_MANAGED)
			.enforceSsl(true)
			.build();
		this.jobs = Queue.Builder.create(this, "Jobs")
			.queueName("keyframe-jobs")
			.visibilityTimeout(VISIBILITY_TIMEOUT)
			.retentionPeriod(Duration.days(14))
			.receiveMessageWaitTime(Duration.seconds(20))
			.encryption(QueueEncryption.SQS_MANAGED)
			.enforceSsl(true)
			.deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(MAX_RECEIVE_COUNT).build())
			.build();

		SecurityGroup databaseGroup = SecurityGroup.Builder.create(this, "DatabaseGroup")
			.vpc(vpc)
			.description("Keyframe PostgreSQL: reached by the fleet tasks only")
			.allowAllOutbound(false)
			.build();
		this.database = DatabaseInstance.Builder.create(this, "Database")
			.engine(DatabaseInstanceEngine.postgres(PostgresInstanceEngineProps.builder().version(PostgresEngineVersion.VER_17).build()))
			.instanceType(new InstanceType(settings.dbInstanceClass()))
			.vpc(vpc)
			.vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build())
			.securityGroups(List.of(databaseGroup))
			.databaseName("keyframe")
			.credentials(Credentials.fromGeneratedSecret("keyframe",
					CredentialsBaseOptions.builder().secretName(id.toLowerCase() + "/database").build()))
			.allocatedStorage(settings.dbStorageGb())
			.maxAllocatedStorage(settings.dbStorageGb() * 5)
			.storageType(StorageType.GP3)
			.storageEncrypted(true)
			.multiAz(settings.dbMultiAz())
			.backupRetention(Duration.days(7))
			.deletionProtection(true)
			.removalPolicy(RemovalPolicy.SNAPSHOT)
			.cloudwatchLogsExports(List.of("postgresql"))
			.autoMinorVersionUpgrade(true)
			.build();

		// The signing keys are made and stored by the operator before the first deploy (runbook), so no private key
		// ever passes through CloudFormation: a JSON secret with fields key0 and, while rotating, key1.
		this.cdnKeys = settings.cdnKeySecretArn().isEmpty()
				? software.amazon.awscdk.services.secretsmanager.Secret.fromSecretNameV2(this, "CdnSigningKeys",
						settings.cdnKeySecretName())
				: software.amazon.awscdk.services.secretsmanager.Secret.fromSecretCompleteArn(this, "CdnSigningKeys",
						settings.cdnKeySecretArn());
		// An admin's API token for the metrics collector; a placeholder until the first admin makes one (runbook).
		this.metricsToken = software.amazon.awscdk.services.secretsmanager.Secret.Builder.create(this, "MetricsToken")
			.secretName(id.toLowerCase() + "/metrics-token")
			.description("Keyframe API token (admin) the metrics collector scrapes /actuator/prometheus with")
			.generateSecretString(SecretStringGenerator.builder().excludePunctuation(true).passwordLength(32).build())
			.build();

		this.repository = Repository.fromRepositoryName(this, "Repository", settings.imageRepository());
		this.appLogs = LogGroup.Builder.create(this, "AppLogs")
			.logGroupName("/keyframe/app")
			.retention(RetentionDays.ONE_MONTH)
			.removalPolicy(RemovalPolicy.DESTROY)
			.build();
		this.metricsLogs = LogGroup.Builder.create(this, "MetricsLogs")
			.logGroupName(Metrics.LOG_GROUP)
			.retention(RetentionDays.ONE_WEEK)
			.removalPolicy(RemovalPolicy.DESTROY)
			.build();

		this.cluster = Cluster.Builder.create(this, "Cluster")
			.clusterName(CLUSTER)
			.vpc(vpc)
			.containerInsightsV2(ContainerInsights.ENABLED)
			.enableFargateCapacityProviders(true)
			.build();

		SecurityGroup webGroup = group("WebGroup", "Keyframe web tasks: HTTP from the ALB");
		SecurityGroup workerGroup = group("WorkerGroup", "Keyframe worker tasks: no inbound");
		SecurityGroup liveGroup = group("LiveGroup",
				"Keyframe live ingest tasks: RTMP, HTTP and SRT ingest from broadcasters");
		SecurityGroup transcoderGroup = group("TranscoderGroup", "Keyframe per-stream transcoders: the relay from live tasks only");
		for (SecurityGroup fleet : List.of(webGroup, workerGroup, liveGroup, transcoderGroup)) {
			databaseGroup.addIngressRule(fleet, Port.tcp(5432), "PostgreSQL from " + fleet.getNode().getId());
		}
		// Broadcasters push from anywhere; the stream key is the credential. The NLB keeps their addresses, so the
		// tasks' group is what admits them.
		liveGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(RTMP), "RTMP ingest");
		liveGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(INGEST), "MPEG-TS over HTTP ingest");
		liveGroup.addIngressRule(Peer.anyIpv4(), Port.udp(SRT), "SRT ingest");
		liveGroup.addIngressRule(Peer.ipv4(vpc.getVpcCidrBlock()), Port.tcp(HTTP), "NLB health checks");
		transcoderGroup.addIngressRule(liveGroup, Port.tcp(RELAY), "The feed relayed by a live task");

		this.transcoder = transcoderTask(transcoderGroup);
		this.web = webService(webGroup, zone);
		this.worker = workerService(workerGroup);
		this.live = liveService(liveGroup, transcoderGroup, zone);

		if (zone != null) {
			ARecord.Builder.create(this, "MediaRecord")
				.zone(zone)
				.recordName(settings.mediaDomain() + ".")
				.target(RecordTarget.fromAlias(new CloudFrontTarget(delivery.distribution())))
				.build();
		}

		this.alarms = Topic.Builder.create(this, "Alarms").topicName("keyframe-alarms").enforceSsl(true).build();
		alarms();

		CfnOutput.Builder.create(this, "BucketName").value(delivery.media().getBucketName()).build();
		CfnOutput.Builder.create(this, "DistributionDomainName").value(delivery.distribution().getDistributionDomainName())
			.description("CNAME " + settings.mediaDomain() + " to this")
			.build();
		CfnOutput.Builder.create(this, "DistributionId").value(delivery.distribution().getDistributionId()).build();
		CfnOutput.Builder.create(this, "JobQueueUrl").value(jobs.getQueueUrl()).build();
		CfnOutput.Builder.create(this, "AlarmTopicArn").value(alarms.getTopicArn()).build();
		CfnOutput.Builder.create(this, "DatabaseSecretArn").value(database.getSecret().getSecretArn()).build();
		CfnOutput.Builder.create(this, "MetricsTokenSecretArn").value(metricsToken.getSecretArn()).build();
	}

	Delivery delivery() {
		return delivery;
	}

	ITopic alarmTopic() {
		return alarms;
	}

	private SecurityGroup group(String id, String description) {
		return SecurityGroup.Builder.create(this, id).vpc(vpc).description(description).allowAllOutbound(true).build();
	}

	/** What every role is given: database, storage, queues, the CDN's signing key. */
	private Map<String, String> environment(String roles) {
		Map<String, String> env = new TreeMap<>();
		env.put("KEYFRAME_LOCAL_ENABLED", "false");
		env.put("KEYFRAME_ROLES", roles);
		env.put("SERVER_PORT", Integer.toString(HTTP));
		env.put("SPRING_DATASOURCE_URL", "jdbc:postgresql://" + database.getDbInstanceEndpointAddress() + ":"
				+ database.getDbInstanceEndpointPort() + "/keyframe");
		env.put("KEYFRAME_STORAGE_BUCKET", delivery.media().getBucketName());
		env.put("KEYFRAME_STORAGE_REGION", getRegion());
		env.put("KEYFRAME_QUEUE_URL", jobs.getQueueUrl());
		env.put("KEYFRAME_QUEUE_DEAD_LETTER_URL", deadLetters.getQueueUrl());
		env.put("KEYFRAME_QUEUE_REGION", getRegion());
		env.put("KEYFRAME_CDN_URL", settings.cdnUrl());
		env.put("KEYFRAME_CDN_COOKIE_DOMAIN", settings.cookieDomain());
		env.put("KEYFRAME_CDN_KEYS_0_ID", delivery.signingKeyId());
		env.put("KEYFRAME_LIVE_INGEST_URL", "http://" + settings.ingestDomain() + ":" + INGEST);
		env.put("KEYFRAME_LIVE_RTMP_URL", "rtmp://" + settings.ingestDomain() + ":" + RTMP + "/live");
		env.put("KEYFRAME_LIVE_SRT_URL", "srt://" + settings.ingestDomain() + ":" + SRT);
		return env;
	}

	private Map<String, Secret> secrets() {
		// sorted, as every map that reaches the template: the same code must give the same template (Map.of's order
		// changes from one JVM to the next, and a changed task definition means a deploy)
		return new TreeMap<>(Map.of(
				"SPRING_DATASOURCE_USERNAME", Secret.fromSecretsManager(database.getSecret(), "username"),
				"SPRING_DATASOURCE_PASSWORD", Secret.fromSecretsManager(database.getSecret(), "password"),
				"KEYFRAME_CDN_KEYS_0_PRIVATE_KEY", Secret.fromSecretsManager(cdnKeys, delivery.signingKeyField())));
	}

	private FargateTaskDefinition task(String id, String family, int cpu, int memory) {
		return FargateTaskDefinition.Builder.create(this, id).family(family).cpu(cpu).memoryLimitMiB(memory).build();
	}

	private ContainerDefinition keyframe(FargateTaskDefinition task, String roles, Map<String, String> extra,
			List<Integer> ports, String logPrefix) {
		Map<String, String> env = environment(roles);
		env.putAll(extra);
		List<PortMapping> mappings = new ArrayList<>();
		mappings.add(PortMapping.builder().containerPort(HTTP).protocol(Protocol.TCP).build());
		ports.forEach(p -> mappings.add(PortMapping.builder().containerPort(p).protocol(Protocol.TCP).build()));
		ContainerDefinition container = task.addContainer(CONTAINER, ContainerDefinitionOptions.builder()
			.image(ContainerImage.fromEcrRepository(repository, settings.imageTag()))
			.essential(true)
			.environment(env)
			.secrets(secrets())
			.portMappings(mappings)
			.logging(LogDriver.awsLogs(AwsLogDriverProps.builder().logGroup(appLogs).streamPrefix(logPrefix).build()))
			.healthCheck(HealthCheck.builder()
				.command(List.of("CMD-SHELL", "curl -fsS http://localhost:" + HTTP + "/actuator/health || exit 1"))
				.interval(Duration.seconds(15))
				.timeout(Duration.seconds(5))
				.retries(3)
				.startPeriod(Duration.seconds(90))
				.build())
			// A stopping worker hands its job back; Fargate allows two minutes between SIGTERM and SIGKILL.
			.stopTimeout(Duration.seconds(120))
			.build());
		// Every role's health check reads both queues' attributes and heads the bucket.
		task.addToTaskRolePolicy(Access.queueAttributes(jobs, deadLetters));
		return container;
	}

	/** The collector beside the app in tasks whose gauges the alarms and the scaling read (web, live, transcoder). */
	private void metricsCollector(FargateTaskDefinition task) {
		// ${env:...} is the collector's own substitution, not a CloudFormation one: the synth's template validation warns
		// about it (E1029), and CloudFormation passes the text through untouched.
		task.addContainer("metrics", ContainerDefinitionOptions.builder()
			.image(ContainerImage.fromRegistry(settings.collectorImage()))
			.essential(false)
			.cpu(128)
			.memoryReservationMiB(128)
			.environment(Map.of("AOT_CONFIG_CONTENT", Metrics.collectorConfig(getRegion())))
			.secrets(Map.of("KEYFRAME_METRICS_TOKEN", Secret.fromSecretsManager(metricsToken)))
			.logging(LogDriver.awsLogs(AwsLogDriverProps.builder().logGroup(appLogs).streamPrefix("metrics").build()))
			.build());
		task.addToTaskRolePolicy(PolicyStatement.Builder.create()
			.effect(Effect.ALLOW)
			.actions(List.of("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"))
			.resources(List.of(metricsLogs.getLogGroupArn()))
			.build());
		// The exporter checks for its log group at start; it exists (above) and it may not create others.
		task.addToTaskRolePolicy(PolicyStatement.Builder.create()
			.effect(Effect.ALLOW)
			.actions(List.of("logs:DescribeLogGroups"))
			.resources(List.of(formatArn(ArnComponents.builder().service("logs").resource("log-group")
				.resourceName("*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build())))
			.build());
	}

	private FargateService service(String id, String name, FargateTaskDefinition task, SecurityGroup group, Integer desired,
			List<CapacityProviderStrategy> capacity) {
		return FargateService.Builder.create(this, id)
			.serviceName(name)
			.cluster(cluster)
			.taskDefinition(task)
			.desiredCount(desired)
			.securityGroups(List.of(group))
			.vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build())
			.assignPublicIp(false)
			.minHealthyPercent(100)
			.maxHealthyPercent(200)
			.circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
			.capacityProviderStrategies(capacity)
			.build();
	}

	private static List<CapacityProviderStrategy> onDemand() {
		return List.of(CapacityProviderStrategy.builder().capacityProvider("FARGATE").weight(1).build());
	}

	private FargateService webService(SecurityGroup group, IHostedZone zone) {
		FargateTaskDefinition task = task("WebTask", "keyframe-web", settings.webCpu(), settings.webMemory());
		keyframe(task, "web,scheduler", Map.of("KEYFRAME_TRANSCODE_WORKERS", "0",
				// The ALB forwards the viewer's address (grants may be bound to it).
				"SERVER_FORWARD_HEADERS_STRATEGY", "native"), List.of(), "web");
		metricsCollector(task);
		var bucket = delivery.media();
		// Uploads (multipart, presigned part PUTs), the probe's presigned GET, master playlists, deleting assets;
		// the scheduler's retention: deletes, and copies in place (storage-class transitions).
		task.addToTaskRolePolicy(Access.list(bucket, Access.SOURCES, Access.MEDIA));
		task.addToTaskRolePolicy(Access.objects(bucket, Access.READ, Access.SOURCES, Access.MEDIA));
		task.addToTaskRolePolicy(Access.objects(bucket, Access.WRITE, Access.SOURCES, Access.MEDIA));
		task.addToTaskRolePolicy(Access.objects(bucket, Access.DELETE, Access.SOURCES, Access.MEDIA));
		task.addToTaskRolePolicy(Access.send(jobs));

		FargateService service = service("Web", "web", task, group, settings.webCount(), onDemand());
		service.getNode().addDependency(database);
		ApplicationLoadBalancer alb = ApplicationLoadBalancer.Builder.create(this, "WebLoadBalancer")
			.vpc(vpc)
			.internetFacing(true)
			.dropInvalidHeaderFields(true)
			.idleTimeout(Duration.seconds(120))
			.build();
		alb.logAccessLogs(delivery.logs(), "alb");
		ICertificate certificate = Certificate.Builder.create(this, "AppCertificate")
			.domainName(settings.appDomain())
			.validation(zone == null ? CertificateValidation.fromDns() : CertificateValidation.fromDns(zone))
			.build();
		ApplicationListener https = alb.addListener("Https", BaseApplicationListenerProps.builder()
			.port(443)
			.protocol(ApplicationProtocol.HTTPS)
			.certificates(List.of(ListenerCertificate.fromCertificateManager(certificate)))
			.sslPolicy(SslPolicy.RECOMMENDED_TLS)
			.build());
		https.addTargets("Web", AddApplicationTargetsProps.builder()
			.port(HTTP)
			.protocol(ApplicationProtocol.HTTP)
			.targets(List.of(service.loadBalancerTarget(LoadBalancerTargetOptions.builder()
				.containerName(CONTAINER).containerPort(HTTP).build())))
			.healthCheck(software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck.builder()
				.path("/actuator/health")
				.healthyHttpCodes("200")
				.interval(Duration.seconds(15))
				.healthyThresholdCount(2)
				.build())
			.deregistrationDelay(Duration.seconds(30))
			.build());
		alb.addRedirect();
		if (zone != null) {
			ARecord.Builder.create(this, "AppRecord").zone(zone).recordName(settings.appDomain() + ".")
				.target(RecordTarget.fromAlias(new LoadBalancerTarget(alb))).build();
		}
		CfnOutput.Builder.create(this, "WebLoadBalancerDns").value(alb.getLoadBalancerDnsName())
			.description("CNAME " + settings.appDomain() + " to this").build();
		return service;
	}

	private FargateService workerService(SecurityGroup group) {
		FargateTaskDefinition task = task("WorkerTask", "keyframe-worker", settings.workerCpu(), settings.workerMemory());
		keyframe(task, "worker", Map.of("KEYFRAME_TRANSCODE_WORKERS", Integer.toString(settings.workerJobs())), List.of(),
				"worker");
		var bucket = delivery.media();
		// Reads sources, writes (and on a re-run replaces) renditions and master playlists.
		task.addToTaskRolePolicy(Access.list(bucket, Access.SOURCES, Access.MEDIA));
		task.addToTaskRolePolicy(Access.objects(bucket, Access.READ, Access.SOURCES, Access.MEDIA));
		task.addToTaskRolePolicy(Access.objects(bucket, Access.WRITE, Access.MEDIA));
		task.addToTaskRolePolicy(Access.objects(bucket, Access.DELETE, Access.MEDIA));
		task.addToTaskRolePolicy(Access.consume(jobs));
		task.addToTaskRolePolicy(Access.send(jobs));

		// Spot: a reclaimed task gets SIGTERM two minutes ahead, hands its job back, and another task takes it
		// (leases and visibility, ADR 4); on-demand carries the first task so a Spot shortage never stalls the queue.
		// No desired count: the scaling policies own it, and a deploy must not reset it (ECS starts the service with
		// one task, which scales in to none when the queue is empty).
		FargateService service = service("Worker", "worker", task, group, null, List.of(
				CapacityProviderStrategy.builder().capacityProvider("FARGATE").base(0).weight(1).build(),
				CapacityProviderStrategy.builder().capacityProvider("FARGATE_SPOT").weight(3).build()));
		service.getNode().addDependency(database);
		workerScaling(service);
		return service;
	}

	/**
	 * Workers scale on the backlog per task, down to none. Target tracking keeps (waiting + in-flight jobs) per
	 * running task near {@code workerJobs × workerBacklogPerJob}; it cannot start the first task (at 0 tasks it has
	 * nothing to multiply), so a step policy wakes the fleet: when jobs are waiting and no task runs, add one.
	 * The wake-up reads both SQS's own metric and the app's {@code keyframe_queue_depth} gauge, because SQS reports
	 * a queue that has been empty for hours up to 15 minutes late, while the web tier's gauge is a minute old at most.
	 */
	private void workerScaling(FargateService service) {
		ScalableTarget target = ScalableTarget.Builder.create(this, "WorkerScaling")
			.serviceNamespace(ServiceNamespace.ECS)
			.resourceId("service/" + cluster.getClusterName() + "/" + service.getServiceName())
			.scalableDimension("ecs:service:DesiredCount")
			.minCapacity(0)
			.maxCapacity(settings.workerMaxCount())
			.build();
		target.getNode().addDependency(service);

		var queue = List.of(CfnScalingPolicy.TargetTrackingMetricDimensionProperty.builder()
			.name("QueueName").value(jobs.getQueueName()).build());
		var tasks = List.of(
				CfnScalingPolicy.TargetTrackingMetricDimensionProperty.builder().name("ClusterName").value(CLUSTER).build(),
				CfnScalingPolicy.TargetTrackingMetricDimensionProperty.builder().name("ServiceName").value("worker").build());
		CfnScalingPolicy.Builder.create(this, "WorkerBacklogPerTask")
			.policyName("keyframe-worker-backlog-per-task")
			.policyType("TargetTrackingScaling")
			.scalingTargetId(target.getScalableTargetId())
			.targetTrackingScalingPolicyConfiguration(CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty.builder()
				.targetValue(settings.targetBacklogPerTask())
				.scaleOutCooldown(60)
				// Slow to shrink: a task that has just finished a job is likely to get the next one.
				.scaleInCooldown(300)
				.customizedMetricSpecification(CfnScalingPolicy.CustomizedMetricSpecificationProperty.builder()
					.metrics(List.of(
							stat("waiting", "AWS/SQS", "ApproximateNumberOfMessagesVisible", queue, "Sum"),
							stat("running", "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", queue, "Sum"),
							stat("tasks", "ECS/ContainerInsights", "RunningTaskCount", tasks, "Average"),
							CfnScalingPolicy.TargetTrackingMetricDataQueryProperty.builder()
								.id("backlogPerTask")
								.label("Jobs waiting or running per worker task")
								.expression("IF(FILL(tasks, 0) > 0, (waiting + running) / FILL(tasks, 0), waiting + running)")
								.returnData(true)
								.build()))
					.build())
				.build())
			.build();

		StepScalingAction wake = StepScalingAction.Builder.create(this, "WorkerWake")
			.scalingTarget(target)
			.adjustmentType(AdjustmentType.CHANGE_IN_CAPACITY)
			.cooldown(Duration.seconds(60))
			.build();
		wake.addAdjustment(AdjustmentTier.builder().lowerBound(0).adjustment(1).build());
		Alarm.Builder.create(this, "WorkerWakeAlarm")
			.alarmName("keyframe-worker-wake")
			.alarmDescription("Jobs are waiting and no worker task runs: start one (target tracking takes it from there)")
			.metric(MathExpression.Builder.create()
				.expression("IF(MAX([FILL(waiting, 0), FILL(depth, 0)]) > 0 AND FILL(tasks, 0) == 0, 1, 0)")
				.usingMetrics(new TreeMap<>(Map.of(
						"waiting", jobs.metricApproximateNumberOfMessagesVisible(
								software.amazon.awscdk.services.cloudwatch.MetricOptions.builder().statistic("Maximum").period(Duration.minutes(1)).build()),
						"depth", appMetric(Metrics.QUEUE_DEPTH),
						"tasks", runningTasks("worker"))))
				.period(Duration.minutes(1))
				.label("Jobs waiting with no worker")
				.build())
			.threshold(1)
			.comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
			.evaluationPeriods(1)
			.treatMissingData(TreatMissingData.NOT_BREACHING)
			.build()
			.addAlarmAction(new ApplicationScalingAction(wake));
	}

	private static CfnScalingPolicy.TargetTrackingMetricDataQueryProperty stat(String id, String namespace, String name,
			List<CfnScalingPolicy.TargetTrackingMetricDimensionProperty> dimensions, String stat) {
		return CfnScalingPolicy.TargetTrackingMetricDataQueryProperty.builder()
			.id(id)
			.returnData(false)
			.metricStat(CfnScalingPolicy.TargetTrackingMetricStatProperty.builder()
				.metric(CfnScalingPolicy.TargetTrackingMetricProperty.builder()
					.namespace(namespace).metricName(name).dimensions(dimensions).build())
				.stat(stat)
				.build())
			.build();
	}

	private static IMetric runningTasks(String service) {
		return Metric.Builder.create()
			.namespace("ECS/ContainerInsights")
			.metricName("RunningTaskCount")
			.dimensionsMap(new TreeMap<>(Map.of("ClusterName", CLUSTER, "ServiceName", service)))
			.statistic("Average")
			.period(Duration.minutes(1))
			.build();
	}

	private static IMetric appMetric(String name) {
		return Metric.Builder.create()
			.namespace(Metrics.NAMESPACE)
			.metricName(name)
			.dimensionsMap(Map.of(Metrics.FLEET_DIMENSION, Metrics.FLEET))
			.statistic("Maximum")
			.period(Duration.minutes(1))
			.build();
	}

	private FargateTaskDefinition transcoderTask(SecurityGroup group) {
		FargateTaskDefinition task = task("TranscoderTask", TRANSCODER_FAMILY, settings.transcoderCpu(),
				settings.transcoderMemory());
		// The launcher adds KEYFRAME_LIVE_TRANSCODER_SESSION per task (a container override).
		keyframe(task, "transcoder", Map.of("KEYFRAME_LIVE_RELAY_BIND", "0.0.0.0",
				"KEYFRAME_LIVE_RELAY_PORT", Integer.toString(RELAY)), List.of(RELAY), "transcoder");
		// Whichever side reports a channel's manifest age (the session monitor in live, the publisher here), the
		// alarm takes the maximum over both.
		metricsCollector(task);
		var bucket = delivery.media();
		// Segments and playlists to media/*, the recording to sources/*, and the recording's transcode jobs.
		task.addToTaskRolePolicy(Access.list(bucket, Access.SOURCES, Access.MEDIA));
		task.addToTaskRolePolicy(Access.objects(bucket, Access.READ, Access.SOURCES, Access.MEDIA));
		task.addToTaskRolePolicy(Access.objects(bucket, Access.WRITE, Access.SOURCES, Access.MEDIA));
		task.addToTaskRolePolicy(Access.objects(bucket, Access.DELETE, Access.MEDIA));
		task.addToTaskRolePolicy(Access.send(jobs));
		CfnOutput.Builder.create(this, "TranscoderSecurityGroup").value(group.getSecurityGroupId()).build();
		return task;
	}

	private FargateService liveService(SecurityGroup group, ISecurityGroup transcoderGroup, IHostedZone zone) {
		FargateTaskDefinition task = task("LiveTask", "keyframe-live", settings.liveCpu(), settings.liveMemory());
		String subnets = String.join(",", vpc.selectSubnets(SubnetSelection.builder()
			.subnetType(SubnetType.PRIVATE_WITH_EGRESS).build()).getSubnetIds());
		Map<String, String> env = new HashMap<>();
		env.put("KEYFRAME_LIVE_INGEST_PORT", Integer.toString(INGEST));
		env.put("KEYFRAME_LIVE_RTMP_PORT", Integer.toString(RTMP));
		env.put("KEYFRAME_LIVE_SRT_PORT", Integer.toString(SRT));
		env.put("KEYFRAME_LIVE_LAUNCHER", "ecs");
		env.put("KEYFRAME_LIVE_ECS_CLUSTER", cluster.getClusterArn());
		env.put("KEYFRAME_LIVE_ECS_TASK_DEFINITION", transcoder.getTaskDefinitionArn());
		env.put("KEYFRAME_LIVE_ECS_CONTAINER", CONTAINER);
		env.put("KEYFRAME_LIVE_ECS_SUBNETS", subnets);
		env.put("KEYFRAME_LIVE_ECS_SECURITY_GROUPS", transcoderGroup.getSecurityGroupId());
		env.put("KEYFRAME_LIVE_ECS_ASSIGN_PUBLIC_IP", "false");
		env.put("KEYFRAME_TRANSCODE_WORKERS", "0");
		keyframe(task, "live", env, List.of(RTMP, INGEST), "live")
			.addPortMappings(PortMapping.builder().containerPort(SRT).protocol(Protocol.UDP).build());
		metricsCollector(task);
		var bucket = delivery.media();
		// The session monitor closes the playlists of a session whose transcoder is gone and hands its recording on.
		task.addToTaskRolePolicy(Access.list(bucket, Access.SOURCES, Access.MEDIA));
		task.addToTaskRolePolicy(Access.objects(bucket, Access.READ, Access.SOURCES, Access.MEDIA));
		task.addToTaskRolePolicy(Access.objects(bucket, Access.WRITE, Access.MEDIA));
		task.addToTaskRolePolicy(Access.send(jobs));
		// One transcoder task per stream: run it (this family, this cluster), watch it, stop it.
		String taskArns = formatArn(ArnComponents.builder().service("ecs").resource("task")
			.resourceName(CLUSTER + "/*").arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
		task.addToTaskRolePolicy(PolicyStatement.Builder.create()
			.effect(Effect.ALLOW)
			.actions(List.of("ecs:RunTask"))
			.resources(List.of(formatArn(ArnComponents.builder().service("ecs").resource("task-definition")
				.resourceName(TRANSCODER_FAMILY + ":*").arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build())))
			.conditions(Map.of("ArnEquals", Map.of("ecs:cluster", cluster.getClusterArn())))
			.build());
		task.addToTaskRolePolicy(PolicyStatement.Builder.create()
			.effect(Effect.ALLOW)
			.actions(List.of("ecs:StopTask", "ecs:DescribeTasks"))
			.resources(List.of(taskArns))
			.conditions(Map.of("ArnEquals", Map.of("ecs:cluster", cluster.getClusterArn())))
			.build());
		task.addToTaskRolePolicy(PolicyStatement.Builder.create()
			.effect(Effect.ALLOW)
			.actions(List.of("ecs:TagResource"))
			.resources(List.of(taskArns))
			.conditions(Map.of("StringEquals", Map.of("ecs:CreateAction", "RunTask")))
			.build());
		task.addToTaskRolePolicy(PolicyStatement.Builder.create()
			.effect(Effect.ALLOW)
			.actions(List.of("iam:PassRole"))
			.resources(List.of(transcoder.getTaskRole().getRoleArn(), transcoder.obtainExecutionRole().getRoleArn()))
			.conditions(Map.of("StringEquals", Map.of("iam:PassedToService", "ecs-tasks.amazonaws.com")))
			.build());

		FargateService service = service("Live", "live", task, group, settings.liveCount(), onDemand());
		service.getNode().addDependency(database);
		NetworkLoadBalancer nlb = NetworkLoadBalancer.Builder.create(this, "IngestLoadBalancer")
			.vpc(vpc)
			.internetFacing(true)
			.crossZoneEnabled(true)
			.build();
		nlb.logAccessLogs(delivery.logs(), "nlb");
		// RTMP and HTTP ingest over TCP, SRT over UDP: the same tasks, health-checked over HTTP
		var tcp = software.amazon.awscdk.services.elasticloadbalancingv2.Protocol.TCP;
		var udp = software.amazon.awscdk.services.elasticloadbalancingv2.Protocol.UDP;
		Map<Integer, software.amazon.awscdk.services.elasticloadbalancingv2.Protocol> listeners = new java.util.LinkedHashMap<>();
		listeners.put(RTMP, tcp);
		listeners.put(INGEST, tcp);
		listeners.put(SRT, udp);
		listeners.forEach((port, protocol) -> {
			String name = (protocol == udp ? "Udp" : "Tcp") + port;
			nlb.addListener(name, software.amazon.awscdk.services.elasticloadbalancingv2.BaseNetworkListenerProps.builder()
				.port(port)
				.protocol(protocol)
				.build())
				.addTargets("Live" + port, AddNetworkTargetsProps.builder()
					.port(port)
					.protocol(protocol)
					.targets(List.of(service.loadBalancerTarget(LoadBalancerTargetOptions.builder()
						.containerName(CONTAINER)
						.containerPort(port)
						.protocol(protocol == udp ? Protocol.UDP : Protocol.TCP)
						.build())))
					.healthCheck(software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck.builder()
						.protocol(software.amazon.awscdk.services.elasticloadbalancingv2.Protocol.HTTP)
						.port(Integer.toString(HTTP))
						.path("/actuator/health")
						.interval(Duration.seconds(10))
						.build())
					// A broadcaster on a draining task reconnects to another within the reconnect window.
					.deregistrationDelay(Duration.seconds(60))
					.build());
		});
		if (zone != null) {
			ARecord.Builder.create(this, "IngestRecord").zone(zone).recordName(settings.ingestDomain() + ".")
				.target(RecordTarget.fromAlias(new LoadBalancerTarget(nlb))).build();
		}
		CfnOutput.Builder.create(this, "IngestLoadBalancerDns").value(nlb.getLoadBalancerDnsName())
			.description("CNAME " + settings.ingestDomain() + " to this").build();
		return service;
	}

	private void alarms() {
		SnsAction notify = new SnsAction(alarms);
		Alarm.Builder.create(this, "QueueAgeAlarm")
			.alarmName("keyframe-queue-age")
			.alarmDescription("The oldest transcode job has waited too long: workers are not keeping up or not starting")
			.metric(jobs.metricApproximateAgeOfOldestMessage(software.amazon.awscdk.services.cloudwatch.MetricOptions.builder()
				.statistic("Maximum").period(Duration.minutes(1)).build()))
			.threshold(settings.queueAgeAlarmSeconds())
			.comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
			.evaluationPeriods(5)
			.treatMissingData(TreatMissingData.NOT_BREACHING)
			.build()
			.addAlarmAction(notify);
		Alarm.Builder.create(this, "DeadLetterAlarm")
			.alarmName("keyframe-dead-letters")
			.alarmDescription("A job message reached the dead-letter queue: see the job's error on its asset page")
			.metric(deadLetters.metricApproximateNumberOfMessagesVisible(software.amazon.awscdk.services.cloudwatch.MetricOptions.builder()
				.statistic("Maximum").period(Duration.minutes(1)).build()))
			.threshold(0)
			.comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
			.evaluationPeriods(1)
			.treatMissingData(TreatMissingData.NOT_BREACHING)
			.build()
			.addAlarmAction(notify);
		// Any channel's playlist older than a few segments: viewers are watching a frozen picture.
		Alarm.Builder.create(this, "ManifestAgeAlarm")
			.alarmName("keyframe-live-manifest-age")
			.alarmDescription("A live channel's newest segment is stale (keyframe_live_manifest_age_seconds)")
			.metric(MathExpression.Builder.create()
				.expression("SELECT MAX(" + Metrics.MANIFEST_AGE + ") FROM SCHEMA(\"" + Metrics.NAMESPACE + "\", "
						+ Metrics.FLEET_DIMENSION + ", channel)")
				.usingMetrics(Map.of())
				.period(Duration.minutes(1))
				.label("Oldest live manifest (s)")
				.build())
			.threshold(settings.manifestAgeAlarmSeconds())
			.comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
			.evaluationPeriods(2)
			.treatMissingData(TreatMissingData.NOT_BREACHING)
			.build()
			.addAlarmAction(notify);
		if (Settings.EDGE_REGION.equals(getRegion())) {
			edgeErrorAlarm(this, delivery.distribution().getDistributionId(), alarms);
		}
	}

	/** CloudFront publishes its metrics in us-east-1 only, so this alarm lives there. */
	static void edgeErrorAlarm(Construct scope, String distributionId, ITopic topic) {
		Alarm.Builder.create(scope, "Edge5xxAlarm")
			.alarmName("keyframe-edge-5xx")
			.alarmDescription("CloudFront answers viewers with 5xx errors (origin or edge failing)")
			.metric(Metric.Builder.create()
				.namespace("AWS/CloudFront")
				.metricName("5xxErrorRate")
				.dimensionsMap(new TreeMap<>(Map.of("DistributionId", distributionId, "Region", "Global")))
				.statistic("Average")
				.period(Duration.minutes(5))
				.build())
			.threshold(5)
			.comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
			.evaluationPeriods(2)
			.treatMissingData(TreatMissingData.NOT_BREACHING)
			.build()
			.addAlarmAction(new SnsAction(topic));
	}

}
