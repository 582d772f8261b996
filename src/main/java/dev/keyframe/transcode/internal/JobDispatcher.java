package dev.keyframe.transcode.internal;

import java.time.Duration;

import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

import dev.keyframe.platform.JobQueue;
import dev.keyframe.transcode.TranscodeJobQueued;

/**
 * The outbox's sending side: each {@link TranscodeJobQueued} recorded in the event publication registry becomes
 * one SQS message after its transaction commits. If sending fails, or the process dies first, the publication
 * stays incomplete and is sent again (on restart and by the periodic resubmission).
 */
@Component
class JobDispatcher {

	private final JobQueue queue;

	JobDispatcher(JobQueue queue) {
		this.queue = queue;
	}

	@ApplicationModuleListener
	void on(TranscodeJobQueued event) {
		queue.send(JobMessage.body(event.jobId()), Duration.ofSeconds(event.delaySeconds()));
	}

}
