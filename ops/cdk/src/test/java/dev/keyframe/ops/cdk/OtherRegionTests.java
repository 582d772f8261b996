package dev.keyframe.ops.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Keyframe outside us-east-1: what CloudFront needs there stays there. One synthesis for the class. */
class OtherRegionTests {

	static KeyframeApp.Stacks stacks;

	@BeforeAll
	static void synthesize() {
		stacks = KeyframeApp.define(KeyframeApp.app(Map.of("region", "eu-west-1", "appDomain", "tv.example.org")));
	}

	@Test
	void theFleetLivesInTheRegionAndTheEdgeInUsEast1() {
		assertEquals("eu-west-1", stacks.keyframe().getRegion());
		assertEquals("us-east-1", stacks.edge().getRegion());
		Template keyframe = Template.fromStack(stacks.keyframe());
		keyframe.hasResourceProperties("AWS::CloudFront::Distribution", Map.of("DistributionConfig", Match.objectLike(Map.of(
				"Origins", Match.arrayWith(java.util.List.of(Match.objectLike(Map.of(
						"OriginShield", Map.of("Enabled", true, "OriginShieldRegion", "eu-west-1"))))),
				"Aliases", java.util.List.of("cdn.example.org")))));
		Template.fromStack(stacks.edge()).hasResourceProperties("AWS::WAFv2::WebACL", Match.objectLike(Map.of("Scope", "CLOUDFRONT")));
	}

	@Test
	void theEdgeErrorAlarmIsWhereCloudFrontsMetricsAre() {
		assertNotNull(stacks.edgeAlarms());
		assertEquals("us-east-1", stacks.edgeAlarms().getRegion());
		Template.fromStack(stacks.edgeAlarms()).hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
				"AlarmName", "keyframe-edge-5xx", "Namespace", "AWS/CloudFront")));
		Template.fromStack(stacks.keyframe()).resourcePropertiesCountIs("AWS::CloudWatch::Alarm",
				Match.objectLike(Map.of("Namespace", "AWS/CloudFront")), 0);
	}

}
