package dev.keyframe.upload;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One multipart upload of one asset's source. */
@Entity
@Table(name = "upload_session")
class UploadSession {

	@Id
	private UUID id;

	private UUID assetId;

	private String objectKey;

	private String s3UploadId;

	private String filename;

	private String contentType;

	private long size;

	private long partSize;

	private int partCount;

	@Enumerated(EnumType.STRING)
	private UploadState state;

	private @Nullable String failureReason;

	private Instant createdAt;

	private Instant expiresAt;

	private @Nullable Instant completedAt;

	private @Nullable String createdBy;

	protected UploadSession() {
		// JPA
	}

	UploadSession(UUID assetId, String objectKey, String s3UploadId, String filename, String contentType,
			PartPlan plan, Instant now, Instant expiresAt, @Nullable String createdBy) {
		this.createdBy = createdBy;
		this.id = UUID.randomUUID();
		this.assetId = assetId;
		this.objectKey = objectKey;
		this.s3UploadId = s3UploadId;
		this.filename = filename;
		this.contentType = contentType;
		this.size = plan.size();
		this.partSize = plan.partSize();
		this.partCount = plan.partCount();
		this.state = UploadState.ACTIVE;
		this.createdAt = now;
		this.expiresAt = expiresAt;
	}

	void completed(Instant now) {
		this.state = UploadState.COMPLETED;
		this.completedAt = now;
	}

	void ended(UploadState state, String reason, Instant now) {
		this.state = state;
		this.failureReason = reason;
		this.completedAt = now;
	}

	PartPlan plan() {
		return new PartPlan(size, partSize, partCount);
	}

	UUID id() {
		return id;
	}

	UUID assetId() {
		return assetId;
	}

	String objectKey() {
		return objectKey;
	}

	String s3UploadId() {
		return s3UploadId;
	}

	String filename() {
		return filename;
	}

	UploadState state() {
		return state;
	}

	@Nullable String failureReason() {
		return failureReason;
	}

	Instant expiresAt() {
		return expiresAt;
	}

	@Nullable String createdBy() {
		return createdBy;
	}

	public Instant createdAt() {
		return createdAt;
	}

}
