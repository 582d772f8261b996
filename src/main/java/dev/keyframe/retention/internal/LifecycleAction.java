package dev.keyframe.retention.internal;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.keyframe.catalog.AssetAudit;
import dev.keyframe.retention.StepKind;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One line of the audit trail: an action a run took, or tried. */
@Entity
@Table(name = "lifecycle_action")
public class LifecycleAction {

	@Id
	private UUID id;

	private UUID runId;

	private @Nullable UUID assetId;

	private @Nullable UUID ruleId;

	private String ruleName;

	@Enumerated(EnumType.STRING)
	private StepKind action;

	private String detail;

	private int objects;

	private long bytes;

	private String outcome;

	private @Nullable String error;

	private Instant at;

	protected LifecycleAction() {
		// JPA
	}

	public LifecycleAction(UUID runId, @Nullable UUID assetId, @Nullable UUID ruleId, String ruleName, StepKind action,
			String detail, int objects, long bytes, String outcome, @Nullable String error, Instant at) {
		this.id = UUID.randomUUID();
		this.runId = runId;
		this.assetId = assetId;
		this.ruleId = ruleId;
		this.ruleName = ruleName;
		this.action = action;
		this.detail = detail;
		this.objects = objects;
		this.bytes = bytes;
		this.outcome = outcome;
		this.error = error;
		this.at = at;
	}

	public @Nullable UUID assetId() {
		return assetId;
	}

	public StepKind action() {
		return action;
	}

	public String outcome() {
		return outcome;
	}

	public int objects() {
		return objects;
	}

	public long bytes() {
		return bytes;
	}

	public Instant at() {
		return at;
	}

	public AssetAudit.Line line() {
		return new AssetAudit.Line(at, ruleName, action.label(), detail, objects, bytes, outcome, error);
	}

}
