package dev.keyframe.identity;

import java.time.Instant;
import java.util.UUID;

public record UserView(UUID id, String username, Role role, boolean enabled, Instant createdAt) {
}
