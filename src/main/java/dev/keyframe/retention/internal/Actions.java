package dev.keyframe.retention.internal;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface Actions extends JpaRepository<LifecycleAction, UUID> {

	List<LifecycleAction> findByAssetIdOrderByAtDesc(UUID assetId);

	List<LifecycleAction> findByRunIdOrderByAt(UUID runId);

	/** The run's last action: when a run that stopped without finishing last did something. */
	java.util.Optional<LifecycleAction> findFirstByRunIdOrderByAtDesc(UUID runId);

}
