package dev.keyframe.transcode.internal;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.platform.Packaging;
import dev.keyframe.transcode.JobState;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One chunk of one rendition of one asset to make: unique on (asset, profile, chunk). State changes that race between workers
 * (claim, lease, finish) are single SQL statements in {@link JobStore}, which also owns the lease columns; this
 * entity is for reading and creating.
 */
@Entity
@Table(name = "transcode_job")
public class TranscodeJob {

	@Id
	private UUID id;

	private UUID assetId;

	private String profile;

	@Enumerated(EnumType.STRING)
	private RenditionKind kind;

	private int shortSide;

	private int videoKbps;

	private int audioKbps;

	private int encodeGroup;

	private int chunk;

	private long startMs;

	private @Nullable Long endMs;

	@Enumerated(EnumType.STRING)
	private Packaging packaging = Packaging.TS;

	@Enumerated(EnumType.STRING)
	private JobState state;

	private int attempts;

	private double progress;

	private @Nullable String error;

	private @Nullable Instant dispatchedAt;

	private @Nullable Instant startedAt;

	private @Nullable Instant finishedAt;

	private Instant createdAt;

	protected TranscodeJob() {
		// JPA
	}

	public TranscodeJob(UUID assetId, PlannedJob plan, Instant now) {
		this.id = UUID.randomUUID();
		this.assetId = assetId;
		this.profile = plan.profile();
		this.kind = plan.kind();
		this.shortSide = plan.shortSide();
		this.videoKbps = plan.videoKbps();
		this.audioKbps = plan.audioKbps();
		this.encodeGroup = plan.group();
		this.chunk = plan.chunk();
		this.startMs = plan.startMillis();
		this.endMs = plan.last() ? null : plan.endMillis();
		this.packaging = plan.packaging();
		this.state = JobState.PENDING;
		this.createdAt = now;
		this.dispatchedAt = now;
	}

	public PlannedJob plan() {
		return new PlannedJob(profile, kind, shortSide, videoKbps, audioKbps, encodeGroup, chunk, startMs,
				endMs == null ? 0 : endMs, packaging);
	}

	public UUID id() {
		return id;
	}

	public UUID assetId() {
		return assetId;
	}

	public String profile() {
		return profile;
	}

	public RenditionKind kind() {
		return kind;
	}

	public int encodeGroup() {
		return encodeGroup;
	}

	public int chunk() {
		return chunk;
	}

	public JobState state() {
		return state;
	}

	public int attempts() {
		return attempts;
	}

	public double progress() {
		return progress;
	}

	public @Nullable String error() {
		return error;
	}

	public @Nullable Instant startedAt() {
		return startedAt;
	}

	public @Nullable Instant finishedAt() {
		return finishedAt;
	}

	public Instant createdAt() {
		return createdAt;
	}

}
