package dev.keyframe.transcode.internal;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.keyframe.platform.ConditionalOnRole;
import dev.keyframe.platform.Role;

/** Runs the job sweeper ({@link JobLifecycle#sweep()}) on scheduler instances. */
@Component
@ConditionalOnRole(Role.SCHEDULER)
class JobSweep {

	private final JobLifecycle jobs;

	JobSweep(JobLifecycle jobs) {
		this.jobs = jobs;
	}

	@Scheduled(fixedDelayString = "${keyframe.transcode.sweep-interval:PT30S}", initialDelayString = "PT20S")
	void sweep() {
		jobs.sweep();
	}

}
