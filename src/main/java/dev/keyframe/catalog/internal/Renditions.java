package dev.keyframe.catalog.internal;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface Renditions extends JpaRepository<Rendition, UUID> {

	List<Rendition> findByAssetId(UUID assetId);

	List<Rendition> findByAssetIdIn(java.util.Collection<UUID> assetIds);

	Optional<Rendition> findByAssetIdAndProfile(UUID assetId, String profile);

}
