package dev.keyframe.catalog.internal;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface AudioTracks extends JpaRepository<AudioTrack, UUID> {

	List<AudioTrack> findByAssetIdOrderByStreamIndexAsc(UUID assetId);

	Optional<AudioTrack> findByAssetIdAndStreamIndex(UUID assetId, int streamIndex);

}
