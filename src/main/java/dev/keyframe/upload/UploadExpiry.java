package dev.keyframe.upload;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.keyframe.platform.ConditionalOnRole;
import dev.keyframe.platform.Role;

/** Looks for abandoned uploads on scheduler instances. */
@Component
@ConditionalOnRole(Role.SCHEDULER)
class UploadExpiry {

	private final Uploads uploads;

	UploadExpiry(Uploads uploads) {
		this.uploads = uploads;
	}

	@Scheduled(fixedDelayString = "${keyframe.upload.expiry-check:PT10M}", initialDelayString = "PT1M")
	void expire() {
		uploads.expireAbandoned();
	}

}
