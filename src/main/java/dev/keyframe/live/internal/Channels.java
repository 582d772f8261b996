package dev.keyframe.live.internal;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface Channels extends JpaRepository<Channel, UUID> {

	Optional<Channel> findByKeyHash(String keyHash);

	List<Channel> findAllByOrderByCreatedAtDesc();

}
