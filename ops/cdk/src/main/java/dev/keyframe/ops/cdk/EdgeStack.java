package dev.keyframe.ops.cdk;

import java.util.List;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.certificatemanager.CertificateValidation;
import software.amazon.awscdk.services.certificatemanager.ICertificate;
import software.amazon.awscdk.services.wafv2.CfnWebACL;
import software.amazon.awscdk.services.wafv2.CfnWebACL.DefaultActionProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.ManagedRuleGroupStatementProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.OverrideActionProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.RateBasedStatementProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.RuleActionProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.RuleProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.StatementProperty;
import software.amazon.awscdk.services.wafv2.CfnWebACL.VisibilityConfigProperty;
import software.constructs.Construct;

/**
 * What CloudFront requires in us-east-1 whatever region Keyframe runs in: the distribution's WAF web ACL (scope
 * {@code CLOUDFRONT} exists only there) and the certificate of the media domain.
 */
final class EdgeStack extends Stack {

	private final CfnWebACL webAcl;

	private final ICertificate mediaCertificate;

	EdgeStack(Construct scope, String id, StackProps props, Settings settings) {
		super(scope, id, props);
		this.webAcl = CfnWebACL.Builder.create(this, "MediaWebAcl")
			.name("keyframe-media")
			.scope("CLOUDFRONT")
			.defaultAction(DefaultActionProperty.builder().allow(CfnWebACL.AllowActionProperty.builder().build()).build())
			.visibilityConfig(visibility("keyframe-media"))
			.rules(List.of(
					// A 4 s-segment ABR player makes about 150 requests in 5 minutes; a viewer far above the limit
					// is a scraper or a broken client, and is blocked until its rate falls.
					RuleProperty.builder()
						.name("rate-per-ip")
						.priority(0)
						.action(RuleActionProperty.builder().block(CfnWebACL.BlockActionProperty.builder().build()).build())
						.statement(StatementProperty.builder()
							.rateBasedStatement(RateBasedStatementProperty.builder()
								.limit(settings.wafRateLimit())
								.evaluationWindowSec(300)
								.aggregateKeyType("IP")
								.build())
							.build())
						.visibilityConfig(visibility("rate-per-ip"))
						.build(),
					RuleProperty.builder()
						.name("aws-ip-reputation")
						.priority(1)
						.overrideAction(OverrideActionProperty.builder().none(java.util.Map.of()).build())
						.statement(StatementProperty.builder()
							.managedRuleGroupStatement(ManagedRuleGroupStatementProperty.builder()
								.vendorName("AWS")
								.name("AWSManagedRulesAmazonIpReputationList")
								.build())
							.build())
						.visibilityConfig(visibility("aws-ip-reputation"))
						.build()))
			.build();
		this.mediaCertificate = Certificate.Builder.create(this, "MediaCertificate")
			.domainName(settings.mediaDomain())
			.validation(Dns.zone(this, settings)
				.map(CertificateValidation::fromDns)
				.orElseGet(CertificateValidation::fromDns))
			.build();
	}

	String webAclArn() {
		return webAcl.getAttrArn();
	}

	ICertificate mediaCertificate() {
		return mediaCertificate;
	}

	private static VisibilityConfigProperty visibility(String name) {
		return VisibilityConfigProperty.builder()
			.metricName(name)
			.cloudWatchMetricsEnabled(true)
			.sampledRequestsEnabled(true)
			.build();
	}

}
