package dev.keyframe.live.internal;

import java.util.List;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;

public interface LiveEvents extends JpaRepository<LiveEvent, UUID> {

	List<LiveEvent> findTop50ByChannelIdOrderByAtDesc(UUID channelId);

	List<LiveEvent> findBySessionIdOrderByAt(UUID sessionId);

}
