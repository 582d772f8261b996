package dev.keyframe.platform.internal;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.keyframe.platform.ConditionalOnRole;
import dev.keyframe.platform.Role;

/**
 * Retries outbox publications whose listener failed (an SQS outage, say) while the process kept running;
 * publications left by a crash are resubmitted at start-up.
 */
@Component
@ConditionalOnRole(Role.SCHEDULER)
class OutboxResubmission {

	private static final Logger log = LoggerFactory.getLogger(OutboxResubmission.class);

	private final IncompleteEventPublications publications;

	OutboxResubmission(IncompleteEventPublications publications) {
		this.publications = publications;
	}

	@Scheduled(fixedDelayString = "${keyframe.outbox.resubmit-interval:PT1M}", initialDelayString = "PT1M")
	void resubmit() {
		try {
			publications.resubmitIncompletePublicationsOlderThan(Duration.ofMinutes(1));
		}
		catch (RuntimeException ex) {
			log.warn("Resubmitting outbox publications failed: {}", ex.getMessage());
		}
	}

}
