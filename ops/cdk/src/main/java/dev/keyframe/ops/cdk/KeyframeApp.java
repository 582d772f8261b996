package dev.keyframe.ops.cdk;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.sns.Topic;

/**
 * The CDK app: {@code KeyframeEdge} (us-east-1: WAF web ACL and the media certificate CloudFront needs there) and
 * {@code Keyframe} (everything else, in the chosen region). Settings come from CDK context; run with
 * {@code key=value} arguments outside the CDK CLI ({@code ops/keyframe synth appDomain=video.example.com}).
 */
public final class KeyframeApp {

	private KeyframeApp() {
	}

	public static void main(String[] args) {
		Map<String, Object> context = new LinkedHashMap<>();
		for (String arg : args) {
			int eq = arg.indexOf('=');
			if (eq <= 0) {
				throw new IllegalArgumentException("Arguments are context settings key=value, not " + arg);
			}
			context.put(arg.substring(0, eq), arg.substring(eq + 1));
		}
		Stacks stacks = define(app(context));
		var assembly = stacks.app().synth();
		for (var stack : assembly.getStacks()) {
			Map<?, ?> resources = (Map<?, ?>) ((Map<?, ?>) stack.getTemplate()).get("Resources");
			var counts = new java.util.TreeMap<String, Integer>();
			resources.values().forEach(r -> counts.merge((String) ((Map<?, ?>) r).get("Type"), 1, Integer::sum));
			System.out.printf("%s (%s): %d resources in %s%n", stack.getStackName(), stack.getEnvironment().getRegion(),
					resources.size(), stack.getTemplateFile());
			counts.forEach((type, n) -> System.out.printf("  %3d %s%n", n, type));
		}
		System.out.println("Templates written to " + java.nio.file.Path.of(assembly.getDirectory()).normalize());
	}

	/** An app writing where the CDK CLI asks, else where {@code -Dkeyframe.cdk.outdir} says, else ./cdk.out. */
	static App app(Map<String, Object> context) {
		Map<String, Object> withFlags = new LinkedHashMap<>();
		// A service without a desired count leaves it out of the template (so deploys keep what autoscaling set).
		withFlags.put("@aws-cdk/aws-ecs:removeDefaultDesiredCount", true);
		withFlags.putAll(context);
		AppProps.Builder props = AppProps.builder().context(withFlags);
		String outdir = System.getProperty("keyframe.cdk.outdir");
		if (System.getenv("CDK_OUTDIR") == null && outdir != null) {
			props.outdir(outdir);
		}
		return new App(props.build());
	}

	record Stacks(App app, EdgeStack edge, KeyframeStack keyframe, Stack edgeAlarms) {
	}

	static Stacks define(App app) {
		Settings settings = Settings.from(app.getNode());
		String account = System.getenv("CDK_DEFAULT_ACCOUNT");
		boolean crossRegion = !Settings.EDGE_REGION.equals(settings.region());
		EdgeStack edge = new EdgeStack(app, "KeyframeEdge", StackProps.builder()
			.env(Environment.builder().account(account).region(Settings.EDGE_REGION).build())
			.description("Keyframe: what CloudFront needs in us-east-1 (WAF web ACL, media certificate)")
			.crossRegionReferences(crossRegion)
			.build(), settings);
		KeyframeStack keyframe = new KeyframeStack(app, "Keyframe", StackProps.builder()
			.env(Environment.builder().account(account).region(settings.region()).build())
			.description("Keyframe: media bucket and CDN, queues, database, web/worker/live fleet, alarms")
			.crossRegionReferences(crossRegion)
			.build(), settings, edge.mediaCertificate(), edge.webAclArn());
		keyframe.addStackDependency(edge);
		Stack edgeAlarms = null;
		if (crossRegion) {
			// CloudFront's metrics exist in us-east-1 only; so must its alarm and the topic it notifies.
			edgeAlarms = new Stack(app, "KeyframeEdgeAlarms", StackProps.builder()
				.env(Environment.builder().account(account).region(Settings.EDGE_REGION).build())
				.description("Keyframe: the CloudFront 5xx alarm (CloudFront metrics are in us-east-1)")
				.crossRegionReferences(true)
				.build());
			edgeAlarms.addStackDependency(keyframe);
			KeyframeStack.edgeErrorAlarm(edgeAlarms, keyframe.delivery().distribution().getDistributionId(),
					Topic.Builder.create(edgeAlarms, "EdgeAlarms").topicName("keyframe-edge-alarms").enforceSsl(true).build());
		}
		Tags.of(app).add("app", "keyframe");
		Suppressions.apply(edge, keyframe);
		Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
		return new Stacks(app, edge, keyframe, edgeAlarms);
	}

}
