package dev.keyframe.identity;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An API token as it is shown after creation: never the secret itself, only its first characters.
 */
public record TokenView(UUID id, String name, String prefix, Instant createdAt, @Nullable Instant lastUsedAt,
		@Nullable Instant revokedAt) {

	public boolean active() {
		return revokedAt == null;
	}

}
