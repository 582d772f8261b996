package dev.keyframe.retention;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.keyframe.platform.ConditionalOnRole;
import dev.keyframe.platform.Role;

/** Starts the nightly lifecycle run on scheduler instances (the run's lock keeps it to one at a time), and notices runs that died with their instance. */
@Component
@ConditionalOnRole(Role.SCHEDULER)
class LifecycleSchedule {

	private final Lifecycle lifecycle;

	LifecycleSchedule(Lifecycle lifecycle) {
		this.lifecycle = lifecycle;
	}

	@Scheduled(cron = "${keyframe.retention.cron:0 30 3 * * *}", zone = "UTC")
	void nightly() {
		lifecycle.scheduled();
	}

	/** Runs killed with their instance are marked interrupted once their lock is seen free. */
	@Scheduled(fixedDelayString = "${keyframe.retention.interrupted-check:PT1M}", initialDelayString = "PT1M")
	void interrupted() {
		lifecycle.checkInterrupted();
	}

}
