package dev.keyframe.ops.cdk;

import java.util.List;
import java.util.Map;

import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.CfnRule;
import software.amazon.awscdk.CfnRuleAssertion;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Token;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CacheCookieBehavior;
import software.amazon.awscdk.services.cloudfront.CacheHeaderBehavior;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.CacheQueryStringBehavior;
import software.amazon.awscdk.services.cloudfront.CachedMethods;
import software.amazon.awscdk.services.cloudfront.CfnKeyGroup;
import software.amazon.awscdk.services.cloudfront.CfnPublicKey;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.ErrorResponse;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.IKeyGroup;
import software.amazon.awscdk.services.cloudfront.IOrigin;
import software.amazon.awscdk.services.cloudfront.KeyGroup;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersCorsBehavior;
import software.amazon.awscdk.services.cloudfront.ResponseHeadersPolicy;
import software.amazon.awscdk.services.cloudfront.S3OriginAccessControl;
import software.amazon.awscdk.services.cloudfront.SecurityPolicyProtocol;
import software.amazon.awscdk.services.cloudfront.Signing;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.S3BucketOrigin;
import software.amazon.awscdk.services.cloudfront.origins.S3BucketOriginWithOACProps;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketAttributes;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.CorsRule;
import software.amazon.awscdk.services.s3.HttpMethods;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.RemovalPolicy;
import software.constructs.Construct;

/**
 * The media bucket and the CloudFront distribution in front of it (docs/cdn.md describes what each setting is for).
 * Viewers reach only {@code media/*}, only with a signature under the key group, and only through CloudFront: the
 * bucket policy lets the distribution (origin access control) read {@code media/*} and nothing else.
 */
final class Delivery extends Construct {

	/** Which public key signs: the app is given that slot's key id and private key. */
	static final String SIGNING_SLOT = "CdnSigningKeySlot";

	private final Bucket logs;

	private final Bucket media;

	private final Distribution distribution;

	private final String signingKeyId;

	private final String signingKeyField;

	Delivery(Construct scope, String id, Settings settings, ICertificate certificate, String webAclArn) {
		super(scope, id);
		Stack stack = Stack.of(this);

		// Access logs of the bucket, the load balancers, CloudFront and the VPC. CloudFront's standard logs are
		// delivered with an ACL grant, so this bucket (and only this one) keeps ACLs for its writer.
		this.logs = Bucket.Builder.create(this, "Logs")
			.blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
			.enforceSsl(true)
			.encryption(BucketEncryption.S3_MANAGED)
			.objectOwnership(ObjectOwnership.OBJECT_WRITER)
			.lifecycleRules(List.of(LifecycleRule.builder().id("expire-logs").expiration(Duration.days(90)).build()))
			.removalPolicy(RemovalPolicy.RETAIN)
			.build();

		this.media = Bucket.Builder.create(this, "Media")
			.blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
			.enforceSsl(true)
			// Segments are immutable and a re-run writes the same keys: versions would only keep dead bytes.
			.versioned(false)
			.encryption(BucketEncryption.S3_MANAGED)
			.objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
			.serverAccessLogsBucket(logs)
			.serverAccessLogsPrefix("s3/")
			// The browser PUTs upload parts straight to the bucket with presigned URLs and needs each part's ETag.
			.cors(List.of(CorsRule.builder()
				.allowedOrigins(List.of(settings.appOrigin()))
				.allowedMethods(List.of(HttpMethods.PUT))
				.allowedHeaders(List.of("*"))
				.exposedHeaders(List.of("ETag"))
				.maxAge(3600)
				.build()))
			// A backstop for uploads nobody completes or aborts (the app expires its sessions sooner); retention
			// itself uses no bucket rules (ADR 10).
			.lifecycleRules(List.of(LifecycleRule.builder()
				.id("abort-abandoned-multipart-uploads")
				.abortIncompleteMultipartUploadAfter(Duration.days(7))
				.build()))
			.removalPolicy(RemovalPolicy.RETAIN)
			.build();

		// Two public key slots, so a new key is trusted before anything signs with it (runbook: key rotation).
		CfnParameter key0 = publicKeyParameter(stack, "CdnPublicKey0",
				"PEM public key in slot 0 of the key group (the first deploy signs with it). Empty it to retire it.");
		CfnParameter key1 = publicKeyParameter(stack, "CdnPublicKey1",
				"PEM public key in slot 1 of the key group; empty unless rotating.");
		CfnParameter slot = CfnParameter.Builder.create(stack, SIGNING_SLOT)
			.type("String")
			.allowedValues(List.of("0", "1"))
			.defaultValue("0")
			.description("The key slot the app signs with; its private key is the field key<slot> of the signing secret.")
			.build();
		CfnCondition has0 = condition(stack, "HasCdnPublicKey0", Fn.conditionNot(Fn.conditionEquals(key0.getValueAsString(), "")));
		CfnCondition has1 = condition(stack, "HasCdnPublicKey1", Fn.conditionNot(Fn.conditionEquals(key1.getValueAsString(), "")));
		CfnCondition signs1 = condition(stack, "SignsWithCdnKey1", Fn.conditionEquals(slot.getValueAsString(), "1"));
		CfnRule.Builder.create(stack, "SigningSlotHoldsAKey")
			.assertions(List.of(
					CfnRuleAssertion.builder()
						.assertValue(Fn.conditionOr(Fn.conditionNot(Fn.conditionEquals(slot.getValueAsString(), "0")),
								Fn.conditionNot(Fn.conditionEquals(key0.getValueAsString(), ""))))
						.assertDescription("CdnSigningKeySlot is 0, so CdnPublicKey0 must hold a key.")
						.build(),
					CfnRuleAssertion.builder()
						.assertValue(Fn.conditionOr(Fn.conditionNot(Fn.conditionEquals(slot.getValueAsString(), "1")),
								Fn.conditionNot(Fn.conditionEquals(key1.getValueAsString(), ""))))
						.assertDescription("CdnSigningKeySlot is 1, so CdnPublicKey1 must hold a key.")
						.build()))
			.build();
		CfnPublicKey public0 = publicKey(this, "CdnKey0", stack.getStackName() + "-cdn-key-0", key0, has0);
		CfnPublicKey public1 = publicKey(this, "CdnKey1", stack.getStackName() + "-cdn-key-1", key1, has1);
		CfnKeyGroup keyGroup = CfnKeyGroup.Builder.create(this, "KeyGroup")
			.keyGroupConfig(CfnKeyGroup.KeyGroupConfigProperty.builder()
				.name(stack.getStackName() + "-media")
				.comment("Keyframe signing keys; two while rotating")
				.items(Token.asList(Fn.conditionIf(has0.getLogicalId(),
						Fn.conditionIf(has1.getLogicalId(), List.of(public0.getRef(), public1.getRef()), List.of(public0.getRef())),
						List.of(public1.getRef()))))
				.build())
			.build();
		IKeyGroup trusted = KeyGroup.fromKeyGroupId(this, "TrustedKeyGroup", keyGroup.getRef());
		this.signingKeyId = Token.asString(Fn.conditionIf(signs1.getLogicalId(), public1.getRef(), public0.getRef()));
		this.signingKeyField = Token.asString(Fn.conditionIf(signs1.getLogicalId(), "key1", "key0"));

		S3OriginAccessControl oac = S3OriginAccessControl.Builder.create(this, "OriginAccessControl")
			.description("Keyframe media: CloudFront signs every origin request")
			.signing(Signing.SIGV4_ALWAYS)
			.build();
		// The origin sees the bucket as imported, so CloudFront's construct adds no bucket-wide read grant; the policy
		// below grants media/* alone.
		IOrigin origin = S3BucketOrigin.withOriginAccessControl(
				Bucket.fromBucketAttributes(this, "MediaOrigin", BucketAttributes.builder()
					.bucketName(media.getBucketName())
					.bucketArn(media.getBucketArn())
					.bucketRegionalDomainName(media.getBucketRegionalDomainName())
					.region(stack.getRegion())
					.build()),
				S3BucketOriginWithOACProps.builder()
					.originAccessControl(oac)
					// Every edge location's miss for a new segment becomes one fetch from the region.
					.originShieldEnabled(true)
					.originShieldRegion(settings.region())
					.build());

		CachePolicy segments = CachePolicy.Builder.create(this, "SegmentCachePolicy")
			.cachePolicyName(stack.getStackName() + "-segments")
			.comment("HLS segments and posters: immutable, kept a year; only the path in the key")
			.minTtl(Duration.days(1))
			.defaultTtl(Duration.days(365))
			.maxTtl(Duration.days(365))
			.queryStringBehavior(CacheQueryStringBehavior.none())
			.headerBehavior(CacheHeaderBehavior.none())
			.cookieBehavior(CacheCookieBehavior.none())
			.enableAcceptEncodingGzip(false)
			.enableAcceptEncodingBrotli(false)
			.build();
		// Never no-store and never 0: a one-second life lets CloudFront collapse the requests of every player into one
		// origin fetch per second.
		CachePolicy playlists = CachePolicy.Builder.create(this, "PlaylistCachePolicy")
			.cachePolicyName(stack.getStackName() + "-playlists")
			.comment("HLS playlists: live ones change every segment; objects say max-age=1 or 2")
			.minTtl(Duration.seconds(1))
			.defaultTtl(Duration.seconds(1))
			.maxTtl(Duration.seconds(2))
			.queryStringBehavior(CacheQueryStringBehavior.none())
			.headerBehavior(CacheHeaderBehavior.none())
			.cookieBehavior(CacheCookieBehavior.none())
			.enableAcceptEncodingGzip(true)
			.enableAcceptEncodingBrotli(true)
			.build();
		ResponseHeadersPolicy cors = ResponseHeadersPolicy.Builder.create(this, "CorsPolicy")
			.responseHeadersPolicyName(stack.getStackName() + "-media-cors")
			.comment("The player page reads media with credentials (signed cookies)")
			.corsBehavior(ResponseHeadersCorsBehavior.builder()
				.accessControlAllowOrigins(List.of(settings.appOrigin()))
				.accessControlAllowCredentials(true)
				.accessControlAllowMethods(List.of("GET", "HEAD", "OPTIONS"))
				.accessControlAllowHeaders(List.of("Range"))
				.accessControlExposeHeaders(List.of("Content-Length", "Content-Range"))
				.accessControlMaxAge(Duration.minutes(10))
				.originOverride(true)
				.build())
			.build();

		BehaviorOptions segmentBehavior = behavior(origin, segments, cors, trusted, false);
		// CloudFront takes the first pattern that matches: playlists before everything else under media/ (an ordered
		// map; Map.of's order changes from one JVM to the next).
		Map<String, BehaviorOptions> behaviors = new java.util.LinkedHashMap<>();
		behaviors.put("media/*.m3u8", behavior(origin, playlists, cors, trusted, true));
		behaviors.put("media/*", segmentBehavior);
		this.distribution = Distribution.Builder.create(this, "Distribution")
			.comment("Keyframe media")
			// Nothing outside media/* exists for viewers: the default behaviour is signed too, and the origin refuses
			// any other key.
			.defaultBehavior(segmentBehavior)
			.additionalBehaviors(behaviors)
			.domainNames(List.of(settings.mediaDomain()))
			.certificate(certificate)
			.minimumProtocolVersion(SecurityPolicyProtocol.TLS_V1_2_2021)
			.httpVersion(HttpVersion.HTTP2_AND_3)
			.webAclId(webAclArn)
			// Error caching is per distribution: a playlist or segment that was missing a second ago is fetched when
			// it is asked for again.
			.errorResponses(List.of(
					ErrorResponse.builder().httpStatus(403).ttl(Duration.seconds(0)).build(),
					ErrorResponse.builder().httpStatus(404).ttl(Duration.seconds(0)).build(),
					ErrorResponse.builder().httpStatus(500).ttl(Duration.seconds(0)).build(),
					ErrorResponse.builder().httpStatus(502).ttl(Duration.seconds(0)).build(),
					ErrorResponse.builder().httpStatus(503).ttl(Duration.seconds(0)).build(),
					ErrorResponse.builder().httpStatus(504).ttl(Duration.seconds(0)).build()))
			.enableLogging(true)
			.logBucket(logs)
			.logFilePrefix("cloudfront/")
			.build();

		media.addToResourcePolicy(PolicyStatement.Builder.create()
			.sid("CloudFrontReadsMediaOnly")
			.effect(Effect.ALLOW)
			.principals(List.of(new ServicePrincipal("cloudfront.amazonaws.com")))
			.actions(List.of("s3:GetObject"))
			.resources(List.of(media.arnForObjects("media/*")))
			.conditions(Map.of("StringEquals", Map.of("AWS:SourceArn", distribution.getDistributionArn())))
			.build());
	}

	Bucket media() {
		return media;
	}

	Bucket logs() {
		return logs;
	}

	Distribution distribution() {
		return distribution;
	}

	/** The CloudFront public key id of the signing slot, {@code KEYFRAME_CDN_KEYS_0_ID}. */
	String signingKeyId() {
		return signingKeyId;
	}

	/** The JSON field of the signing secret that holds the signing slot's private key. */
	String signingKeyField() {
		return signingKeyField;
	}

	private static BehaviorOptions behavior(IOrigin origin, CachePolicy cache, ResponseHeadersPolicy cors, IKeyGroup keys,
			boolean compress) {
		return BehaviorOptions.builder()
			.origin(origin)
			.cachePolicy(cache)
			.responseHeadersPolicy(cors)
			.trustedKeyGroups(List.of(keys))
			.viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
			.allowedMethods(AllowedMethods.ALLOW_GET_HEAD_OPTIONS)
			.cachedMethods(CachedMethods.CACHE_GET_HEAD_OPTIONS)
			// TS and JPEG do not compress; playlists do.
			.compress(compress)
			.build();
	}

	private static CfnParameter publicKeyParameter(Stack stack, String name, String description) {
		return CfnParameter.Builder.create(stack, name).type("String").defaultValue("").description(description).build();
	}

	private static CfnCondition condition(Stack stack, String name, software.amazon.awscdk.ICfnConditionExpression expression) {
		return CfnCondition.Builder.create(stack, name).expression(expression).build();
	}

	private static CfnPublicKey publicKey(Construct scope, String id, String name, CfnParameter pem, CfnCondition present) {
		CfnPublicKey key = CfnPublicKey.Builder.create(scope, id)
			.publicKeyConfig(CfnPublicKey.PublicKeyConfigProperty.builder()
				.name(name)
				.encodedKey(pem.getValueAsString())
				.callerReference(name)
				.comment("Keyframe signing key")
				.build())
			.build();
		key.getCfnOptions().setCondition(present);
		return key;
	}

}
