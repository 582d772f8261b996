package dev.keyframe.live.internal;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.keyframe.live.LiveSettings;
import dev.keyframe.live.TranscoderLauncher;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.StopTaskRequest;
import software.amazon.awssdk.services.ecs.model.Tag;

/**
 * Runs each stream's transcoder instance as an ECS task ({@code keyframe.live.launcher=ecs}): the transcoder task
 * definition, with the session and generation as environment overrides of its container, in the configured
 * subnets and security groups. The task finds everything else (database, bucket, queue) in its task definition's
 * environment, exactly as the other roles do. Settings are {@code keyframe.live.ecs.*} (see {@link LiveSettings.Ecs}).
 */
@Component
@ConditionalOnProperty(name = "keyframe.live.launcher", havingValue = "ecs")
class EcsLauncher implements TranscoderLauncher {

	private static final Logger log = LoggerFactory.getLogger(EcsLauncher.class);

	private final EcsClient ecs;

	private final LiveSettings.Ecs settings;

	EcsLauncher(LiveSettings settings) {
		this(EcsClient.create(), settings.ecs());
	}

	EcsLauncher(EcsClient ecs, LiveSettings.Ecs settings) {
		if (settings.cluster() == null || settings.taskDefinition() == null || settings.subnets().isEmpty()) {
			throw new IllegalStateException("keyframe.live.launcher=ecs needs keyframe.live.ecs.cluster, "
					+ "keyframe.live.ecs.task-definition and keyframe.live.ecs.subnets");
		}
		this.ecs = ecs;
		this.settings = settings;
	}

	@Override
	public String launch(Spec spec) {
		RunTaskResponse response = ecs.runTask(request(settings, spec));
		if (!response.failures().isEmpty() || response.tasks().isEmpty()) {
			throw new IllegalStateException("ECS did not start the transcoder task: " + response.failures()
				.stream()
				.map(f -> f.reason() + (f.detail() == null ? "" : " (" + f.detail() + ")"))
				.toList());
		}
		String arn = response.tasks().getFirst().taskArn();
		log.info("Transcoder task {} started for live session {} (generation {})", arn, spec.session(), spec.generation());
		return arn;
	}

	@Override
	public boolean alive(String id) {
		if (!id.startsWith("arn:")) {
			return false;
		}
		return ecs.describeTasks(b -> b.cluster(settings.cluster()).tasks(id))
			.tasks()
			.stream()
			.anyMatch(task -> !"STOPPED".equals(task.lastStatus()) && !"DEPROVISIONING".equals(task.lastStatus()));
	}

	@Override
	public void stop(String id, String reason) {
		if (id.startsWith("arn:")) {
			ecs.stopTask(StopTaskRequest.builder().cluster(settings.cluster()).task(id).reason(truncate(reason)).build());
		}
	}

	/** The RunTask request for one transcoder: what the live instance asks ECS for, built by the SDK. */
	static RunTaskRequest request(LiveSettings.Ecs settings, Spec spec) {
		RunTaskRequest.Builder request = RunTaskRequest.builder()
			.cluster(settings.cluster())
			.taskDefinition(settings.taskDefinition())
			.count(1)
			.startedBy("keyframe-live")
			.group("keyframe-transcoders")
			.propagateTags(PropagateTags.TASK_DEFINITION)
			.enableExecuteCommand(false)
			.tags(Tag.builder().key("keyframe:session").value(spec.session().toString()).build(),
					Tag.builder().key("keyframe:generation").value(String.valueOf(spec.generation())).build(),
					Tag.builder().key("keyframe:pipeline").value(spec.pipeline()).build())
			.networkConfiguration(n -> n.awsvpcConfiguration(vpc -> vpc.subnets(settings.subnets())
				.securityGroups(settings.securityGroups())
				.assignPublicIp(settings.assignPublicIp() ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED)))
			.overrides(o -> o.containerOverrides(ContainerOverride.builder()
				.name(settings.container())
				.environment(List.of(
						KeyValuePair.builder().name("KEYFRAME_ROLES").value("transcoder").build(),
						KeyValuePair.builder().name("KEYFRAME_LIVE_TRANSCODER_SESSION").value(spec.session().toString()).build(),
						KeyValuePair.builder()
							.name("KEYFRAME_LIVE_TRANSCODER_GENERATION")
							.value(String.valueOf(spec.generation()))
							.build(),
						KeyValuePair.builder().name("KEYFRAME_LIVE_TRANSCODER_PIPELINE").value(spec.pipeline()).build()))
				.build()));
		if (settings.capacityProvider() != null) {
			request.capacityProviderStrategy(
					CapacityProviderStrategyItem.builder().capacityProvider(settings.capacityProvider()).weight(1).build());
		}
		else {
			request.launchType(LaunchType.FARGATE);
		}
		return request.build();
	}

	private static String truncate(String reason) {
		return reason.length() <= 255 ? reason : reason.substring(0, 255);
	}

}
