package dev.keyframe.retention.internal;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.keyframe.retention.RuleAction;
import dev.keyframe.retention.RuleForm;
import dev.keyframe.retention.RuleScope;
import dev.keyframe.retention.RuleView;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

@Entity
@Table(name = "retention_rule")
public class RetentionRule {

	@Id
	private UUID id;

	private String name;

	@Enumerated(EnumType.STRING)
	private RuleAction action;

	@Enumerated(EnumType.STRING)
	private RuleScope scope;

	private @Nullable String scopeTag;

	private int afterAmount;

	private @Nullable String storageClass;

	private @Nullable Integer maxHeight;

	private int priority;

	private boolean enabled;

	private Instant createdAt;

	private Instant updatedAt;

	private @Nullable String updatedBy;

	@Version
	private long version;

	protected RetentionRule() {
		// JPA
	}

	public RetentionRule(RuleForm form, @Nullable String by, Instant now) {
		this.id = UUID.randomUUID();
		this.createdAt = now;
		update(form, by, now);
	}

	public void update(RuleForm form, @Nullable String by, Instant now) {
		this.name = form.name();
		this.action = form.action();
		this.scope = form.scope();
		this.scopeTag = form.tag();
		this.afterAmount = form.after();
		this.storageClass = form.storageClass();
		this.maxHeight = form.maxHeight();
		this.priority = form.priority();
		this.enabled = form.enabled();
		this.updatedAt = now;
		this.updatedBy = by;
	}

	public UUID id() {
		return id;
	}

	public Instant createdAt() {
		return createdAt;
	}

	public RuleView view() {
		return new RuleView(id, name, action, scope, scopeTag, afterAmount, storageClass, maxHeight, priority, enabled,
				updatedAt, updatedBy);
	}

}
