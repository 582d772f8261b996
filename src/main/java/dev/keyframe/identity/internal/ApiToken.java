package dev.keyframe.identity.internal;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.keyframe.identity.TokenView;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "api_token")
public class ApiToken {

	@Id
	private UUID id;

	private UUID userId;

	private String name;

	private String tokenHash;

	private String prefix;

	private Instant createdAt;

	private @Nullable Instant lastUsedAt;

	private @Nullable Instant revokedAt;

	protected ApiToken() {
		// JPA
	}

	public ApiToken(UUID userId, String name, String tokenHash, String prefix, Instant now) {
		this.id = UUID.randomUUID();
		this.userId = userId;
		this.name = name;
		this.tokenHash = tokenHash;
		this.prefix = prefix;
		this.createdAt = now;
	}

	public void used(Instant now) {
		this.lastUsedAt = now;
	}

	public void revoke(Instant now) {
		if (revokedAt == null) {
			this.revokedAt = now;
		}
	}

	public UUID userId() {
		return userId;
	}

	public boolean active() {
		return revokedAt == null;
	}

	public @Nullable Instant lastUsedAt() {
		return lastUsedAt;
	}

	public TokenView view() {
		return new TokenView(id, name, prefix, createdAt, lastUsedAt, revokedAt);
	}

}
