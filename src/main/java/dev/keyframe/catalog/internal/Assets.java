package dev.keyframe.catalog.internal;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.Visibility;

public interface Assets extends JpaRepository<Asset, UUID>, JpaSpecificationExecutor<Asset>, AssetLocking {

	Page<Asset> findByStatusInAndVisibilityInOrderByCreatedAtDesc(java.util.Collection<AssetStatus> statuses,
			java.util.Collection<Visibility> visibilities, Pageable page);

	/** A page of assets in id order after {@code after}, leaving out removed assets whose files are gone. */
	@Query("select a from Asset a where a.id > :after and (a.purgedAt is null) order by a.id")
	List<Asset> retentionPage(UUID after, Pageable page);

	/** Records a play, unless one was recorded since {@code since}: one write an hour, however many viewers. */
	@Modifying
	@Query("update Asset a set a.lastPlayedAt = :now where a.id = :id and (a.lastPlayedAt is null or a.lastPlayedAt < :since)")
	int played(UUID id, java.time.Instant now, java.time.Instant since);

}
