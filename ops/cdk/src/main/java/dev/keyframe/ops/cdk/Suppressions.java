package dev.keyframe.ops.cdk;

import java.util.List;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.Stack;

/**
 * Every AwsSolutions finding Keyframe accepts, each with the reason it is accepted. Wildcard findings (IAM5) are
 * accepted only for the resource patterns listed, so a new wildcard anywhere else fails the nag test.
 */
final class Suppressions {

	private Suppressions() {
	}

	static void apply(EdgeStack edge, KeyframeStack keyframe) {
		NagSuppressions.addStackSuppressions(keyframe, List.of(
				because("AwsSolutions-IAM5",
						"Object-level grants are scoped to one prefix of the media bucket (sources/* or media/*): a "
								+ "prefix is the smallest unit the app's keys can be named by, since keys contain asset ids.",
						regex("^Resource::<DeliveryMedia[0-9A-F]+\\.Arn>/(media|sources)/\\*$")),
				because("AwsSolutions-IAM5",
						"The live role runs transcoder tasks of one family at any revision (a deploy makes a new one) "
								+ "and stops or describes tasks of the keyframe cluster only, further limited by an "
								+ "ecs:cluster condition; task ids are not known in advance.",
						regex("^Resource::arn:<AWS::Partition>:ecs:[a-z0-9-]+:<AWS::AccountId>:task(-definition)?/keyframe(-transcoder)?(/|:)\\*$")),
				because("AwsSolutions-IAM5",
						"The metrics collector calls logs:DescribeLogGroups at start, which has no resource-level "
								+ "permission narrower than log-group:*; it writes only to /keyframe/metrics.",
						regex("^Resource::arn:<AWS::Partition>:logs:[a-z0-9-]+:<AWS::AccountId>:log-group:\\*$")),
				because("AwsSolutions-IAM5",
						"Task execution roles: ecr:GetAuthorizationToken supports no resource-level permissions (the "
								+ "CDK grants it on *); image pulls themselves are granted on the one repository.",
						regex("^Resource::\\*$")),
				because("AwsSolutions-ECS2",
						"The environment holds configuration only (bucket, queue URLs, domains, ports, roles); the "
								+ "database credentials and the CDN's private key come from Secrets Manager as secrets."),
				because("AwsSolutions-EC23",
						"Internet-facing by design: the ALB serves the app on 80 (redirect) and 443 to anyone, and "
								+ "broadcasters push RTMP (1935), MPEG-TS over HTTP (19350) and SRT (UDP 19352) from anywhere to the NLB, "
								+ "which keeps client addresses, so the live tasks' group admits them; the stream key "
								+ "authenticates every feed before anything starts (ADR 11)."),
				because("AwsSolutions-RDS3",
						"Single-AZ by default to keep the idle floor low (docs/runbooks/deploy-aws.md); set "
								+ "-c dbMultiAz=true for a standby in a second zone."),
				because("AwsSolutions-RDS11",
						"The database is in isolated subnets and its group admits only the fleet's tasks; a "
								+ "non-default port would add configuration and no protection."),
				because("AwsSolutions-SMG4",
						"The database password and the metrics token are read once when a task starts (ECS secrets), "
								+ "so automatic rotation would break running tasks until they restart; rotate by "
								+ "changing the value and forcing a new deployment (runbook)."),
				because("AwsSolutions-CFR1",
						"Keyframe serves viewers worldwide; who may watch is decided per asset by signed cookies, not "
								+ "by country. Add a geo restriction on the distribution if rights require one.")), true);
	}

	private static NagPackSuppression because(String rule, String reason) {
		return NagPackSuppression.builder().id(rule).reason(reason).build();
	}

	private static NagPackSuppression because(String rule, String reason, RegexAppliesTo appliesTo) {
		return NagPackSuppression.builder().id(rule).reason(reason).appliesTo(List.of(appliesTo)).build();
	}

	private static RegexAppliesTo regex(String pattern) {
		return RegexAppliesTo.builder().regex("/" + pattern + "/g").build();
	}

}
