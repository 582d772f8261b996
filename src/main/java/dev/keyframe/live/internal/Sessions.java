package dev.keyframe.live.internal;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface Sessions extends JpaRepository<LiveSession, UUID> {

	Optional<LiveSession> findFirstByChannelIdAndStateNot(UUID channelId, String state);

	Optional<LiveSession> findFirstByChannelIdOrderByStartedAtDesc(UUID channelId);

	List<LiveSession> findByStateNot(String state);

	List<LiveSession> findTop20ByChannelIdOrderByStartedAtDesc(UUID channelId);

}
