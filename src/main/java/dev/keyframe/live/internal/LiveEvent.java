package dev.keyframe.live.internal;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.keyframe.live.EventView;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Something that happened to a channel: a session started, a transcoder restarted, the playlist went stale. */
@Entity
@Table(name = "live_event")
public class LiveEvent {

	@Id
	private UUID id;

	private UUID channelId;

	private @Nullable UUID sessionId;

	private Instant at;

	private String kind;

	private String detail;

	protected LiveEvent() {
		// JPA
	}

	public LiveEvent(UUID channelId, @Nullable UUID sessionId, String kind, String detail, Instant at) {
		this.id = UUID.randomUUID();
		this.channelId = channelId;
		this.sessionId = sessionId;
		this.kind = kind;
		this.detail = detail;
		this.at = at;
	}

	public EventView view() {
		return new EventView(at, kind, detail, sessionId);
	}

}
