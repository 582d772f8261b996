package dev.keyframe.transcode.internal;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

import dev.keyframe.transcode.JobState;

public interface TranscodeJobs extends JpaRepository<TranscodeJob, UUID> {

	List<TranscodeJob> findByAssetIdOrderByShortSideDescProfileAsc(UUID assetId);

	List<TranscodeJob> findByAssetIdAndState(UUID assetId, JobState state);

	void deleteByAssetId(UUID assetId);

}
