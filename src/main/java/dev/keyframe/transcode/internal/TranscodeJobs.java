package dev.keyframe.transcode.internal;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;


public interface TranscodeJobs extends JpaRepository<TranscodeJob, UUID> {

	List<TranscodeJob> findByAssetIdOrderByShortSideDescProfileAsc(UUID assetId);

	void deleteByAssetId(UUID assetId);

}
