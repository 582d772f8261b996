package dev.keyframe.transcode.internal;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The body of a job message: just the job's id; everything else is read from the database. */
public final class JobMessage {

	private static final Pattern BODY = Pattern
		.compile("^\\s*\\{\\s*\"jobId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"\\s*}\\s*$");

	private JobMessage() {
	}

	public static String body(UUID jobId) {
		return "{\"jobId\":\"" + jobId + "\"}";
	}

	/** The job id, or empty for a message that is not a job message (a poison message). */
	public static Optional<UUID> parse(String body) {
		Matcher matcher = BODY.matcher(body);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		try {
			return Optional.of(UUID.fromString(matcher.group(1)));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

}
