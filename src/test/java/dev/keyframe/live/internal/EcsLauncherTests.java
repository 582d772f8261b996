package dev.keyframe.live.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.keyframe.live.LiveSettings;
import dev.keyframe.live.TranscoderLauncher;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;

/**
 * What a live instance asks ECS for when a stream needs its transcoder: the SDK builds the request; no AWS call is
 * made (this machine reaches no AWS endpoint).
 */
class EcsLauncherTests {

	private static final LiveSettings.Ecs SETTINGS = new LiveSettings.Ecs("keyframe",
			"arn:aws:ecs:eu-west-1:123456789012:task-definition/keyframe-transcoder:7", "keyframe",
			List.of("subnet-a", "subnet-b"), List.of("sg-transcoder"), false, null);

	@Test
	void runsTheTranscoderTaskWithTheSessionAsAnOverrideInThePrivateSubnets() {
		UUID session = UUID.randomUUID();
		RunTaskRequest request = EcsLauncher.request(SETTINGS, new TranscoderLauncher.Spec(session, 3));

		assertThat(request.cluster()).isEqualTo("keyframe");
		assertThat(request.taskDefinition()).endsWith("task-definition/keyframe-transcoder:7");
		assertThat(request.count()).isEqualTo(1);
		assertThat(request.launchType()).isEqualTo(LaunchType.FARGATE);
		assertThat(request.capacityProviderStrategy()).isEmpty();
		assertThat(request.networkConfiguration().awsvpcConfiguration().subnets()).containsExactly("subnet-a", "subnet-b");
		assertThat(request.networkConfiguration().awsvpcConfiguration().securityGroups()).containsExactly("sg-transcoder");
		assertThat(request.networkConfiguration().awsvpcConfiguration().assignPublicIp())
			.isEqualTo(AssignPublicIp.DISABLED);
		var override = request.overrides().containerOverrides().getFirst();
		assertThat(override.name()).isEqualTo("keyframe");
		assertThat(override.environment()).extracting(KeyValuePair::name, KeyValuePair::value)
			.contains(org.assertj.core.groups.Tuple.tuple("KEYFRAME_ROLES", "transcoder"),
					org.assertj.core.groups.Tuple.tuple("KEYFRAME_LIVE_TRANSCODER_SESSION", session.toString()),
					org.assertj.core.groups.Tuple.tuple("KEYFRAME_LIVE_TRANSCODER_GENERATION", "3"));
		assertThat(request.tags()).anyMatch(t -> t.key().equals("keyframe:session") && t.value().equals(session.toString()));
		// what the SDK would send: the request marshals (every required member is there)
		assertThat(request.toBuilder().build()).isEqualTo(request);
	}

	@Test
	void aSecondPipelinesTranscoderIsToldWhichPipelineItRuns() {
		RunTaskRequest request = EcsLauncher.request(SETTINGS, new TranscoderLauncher.Spec(UUID.randomUUID(), 2, "B"));
		assertThat(request.overrides().containerOverrides().getFirst().environment())
			.extracting(KeyValuePair::name, KeyValuePair::value)
			.contains(org.assertj.core.groups.Tuple.tuple("KEYFRAME_LIVE_TRANSCODER_PIPELINE", "B"),
					org.assertj.core.groups.Tuple.tuple("KEYFRAME_LIVE_TRANSCODER_GENERATION", "2"));
		assertThat(request.tags()).anyMatch(t -> t.key().equals("keyframe:pipeline") && t.value().equals("B"));
	}

	@Test
	void aCapacityProviderReplacesTheLaunchType() {
		LiveSettings.Ecs spot = new LiveSettings.Ecs("keyframe", "keyframe-transcoder", "keyframe", List.of("subnet-a"),
				List.of(), true, "FARGATE_SPOT");
		RunTaskRequest request = EcsLauncher.request(spot, new TranscoderLauncher.Spec(UUID.randomUUID(), 1));
		assertThat(request.launchType()).isNull();
		assertThat(request.capacityProviderStrategy()).singleElement()
			.satisfies(item -> assertThat(item.capacityProvider()).isEqualTo("FARGATE_SPOT"));
		assertThat(request.networkConfiguration().awsvpcConfiguration().assignPublicIp())
			.isEqualTo(AssignPublicIp.ENABLED);
	}

	@Test
	void refusesToStartWithoutWhereToRunTasks() {
		try (EcsClient ecs = EcsClient.builder().region(Region.EU_WEST_1).build()) {
			assertThatThrownBy(() -> new EcsLauncher(ecs,
					new LiveSettings.Ecs(null, null, "keyframe", List.of(), List.of(), false, null)))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("keyframe.live.ecs.cluster");
		}
	}

}
