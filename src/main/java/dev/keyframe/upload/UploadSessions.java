package dev.keyframe.upload;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

import jakarta.persistence.LockModeType;

interface UploadSessions extends JpaRepository<UploadSession, UUID> {

	List<UploadSession> findTop100ByStateAndExpiresAtBefore(UploadState state, Instant now);

	List<UploadSession> findTop100ByStateOrderByCreatedAtDesc(UploadState state);

	List<UploadSession> findTop100ByStateAndCreatedByOrderByCreatedAtDesc(UploadState state, String createdBy);

	List<UploadSession> findByAssetIdAndState(UUID assetId, UploadState state);

	List<UploadSession> findByStateAndCreatedAtBeforeOrderByCreatedAt(UploadState state, Instant before,
			org.springframework.data.domain.Pageable page);

	boolean existsByS3UploadId(String s3UploadId);

	@Lock(LockModeType.PESSIMISTIC_WRITE)
	@Query("select s from UploadSession s where s.id = :id")
	Optional<UploadSession> lockById(UUID id);

}
