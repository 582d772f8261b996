package dev.keyframe.identity.internal;

import java.time.Instant;
import java.util.UUID;

import dev.keyframe.identity.Role;
import dev.keyframe.identity.UserView;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "app_user")
public class User {

	@Id
	private UUID id;

	private String username;

	private String passwordHash;

	@Enumerated(EnumType.STRING)
	private Role role;

	private boolean enabled;

	private Instant createdAt;

	private Instant updatedAt;

	protected User() {
		// JPA
	}

	public User(String username, String passwordHash, Role role, Instant now) {
		this.id = UUID.randomUUID();
		this.username = username;
		this.passwordHash = passwordHash;
		this.role = role;
		this.enabled = true;
		this.createdAt = now;
		this.updatedAt = now;
	}

	public void changeRole(Role role, Instant now) {
		this.role = role;
		this.updatedAt = now;
	}

	public void enable(boolean enabled, Instant now) {
		this.enabled = enabled;
		this.updatedAt = now;
	}

	public void changePassword(String hash, Instant now) {
		this.passwordHash = hash;
		this.updatedAt = now;
	}

	public UUID id() {
		return id;
	}

	public String username() {
		return username;
	}

	public String passwordHash() {
		return passwordHash;
	}

	public Role role() {
		return role;
	}

	public boolean enabled() {
		return enabled;
	}

	public UserView view() {
		return new UserView(id, username, role, enabled, createdAt);
	}

}
