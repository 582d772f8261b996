package dev.keyframe.catalog.internal;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface TextTracks extends JpaRepository<TextTrack, UUID> {

	List<TextTrack> findByAssetIdOrderByLanguageAscKindAsc(UUID assetId);

	Optional<TextTrack> findByIdAndAssetId(UUID id, UUID assetId);

	Optional<TextTrack> findByAssetIdAndLanguageAndKind(UUID assetId, String language,
			dev.keyframe.catalog.TextTrackKind kind);

}
