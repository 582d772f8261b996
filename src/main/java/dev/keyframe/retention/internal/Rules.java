package dev.keyframe.retention.internal;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface Rules extends JpaRepository<RetentionRule, UUID> {

	/** In the order rules decide: lowest priority number first, then the older rule. */
	List<RetentionRule> findAllByOrderByPriorityAscCreatedAtAsc();

}
