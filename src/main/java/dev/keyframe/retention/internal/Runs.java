package dev.keyframe.retention.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

public interface Runs extends JpaRepository<LifecycleRun, UUID> {

	List<LifecycleRun> findByState(String state);

	boolean existsByTriggerAndStartedAtAfter(String trigger, Instant after);

	Page<LifecycleRun> findAllByOrderByStartedAtDesc(Pageable page);

}
