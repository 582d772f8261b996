package dev.keyframe.live.internal;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.hibernate.annotations.DynamicUpdate;

import dev.keyframe.live.SessionView;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One broadcast of a channel, from the first byte of its feed to the end of its reconnect window. */
@Entity
@Table(name = "live_session")
@DynamicUpdate // the heartbeat and state changes write their own columns: neither undoes the other
public class LiveSession {

	public static final String LIVE = "LIVE";

	public static final String RECONNECTING = "RECONNECTING";

	public static final String ENDED = "ENDED";

	@Id
	private UUID id;

	private UUID channelId;

	private UUID assetId;

	private @Nullable UUID recordingAssetId;

	private String state;

	private String protocol;

	private Instant startedAt;

	private @Nullable Instant lastDataAt;

	private @Nullable Instant endedAt;

	private @Nullable String endReason;

	private int transcoderRestarts;

	private int reconnects;

	private long ingestBytes;

	private @Nullable Long ingestBitrate;

	private @Nullable Integer width;

	private @Nullable Integer height;

	private @Nullable Long manifestAgeMs;

	private boolean stale;

	private @Nullable Instant heartbeatAt;

	private @Nullable String owner;

	protected LiveSession() {
		// JPA
	}

	public LiveSession(UUID id, UUID channelId, UUID assetId, String protocol, String owner, Instant now) {
		this.owner = owner;
		this.heartbeatAt = now;
		this.id = id;
		this.channelId = channelId;
		this.assetId = assetId;
		this.protocol = protocol;
		this.state = LIVE;
		this.startedAt = now;
	}

	public void fed(long bytes, @Nullable Long bitrate, Instant now) {
		this.ingestBytes = bytes;
		this.ingestBitrate = bitrate;
		this.lastDataAt = now;
	}

	public void picture(int width, int height) {
		this.width = width;
		this.height = height;
	}

	public void heartbeat(@Nullable Long manifestAgeMs, boolean stale, Instant now) {
		this.manifestAgeMs = manifestAgeMs;
		this.stale = stale;
		this.heartbeatAt = now;
	}

	public @Nullable Instant heartbeatAt() {
		return heartbeatAt;
	}

	public Instant startedAt() {
		return startedAt;
	}

	public void reconnecting() {
		this.state = RECONNECTING;
	}

	public void resumed(String protocol) {
		this.state = LIVE;
		this.protocol = protocol;
		this.reconnects++;
	}

	public void restarted() {
		this.transcoderRestarts++;
	}

	public void ended(String reason, Instant now) {
		this.state = ENDED;
		this.endReason = reason;
		this.endedAt = now;
	}

	public void recorded(UUID assetId) {
		this.recordingAssetId = assetId;
	}

	public UUID id() {
		return id;
	}

	public UUID channelId() {
		return channelId;
	}

	public UUID assetId() {
		return assetId;
	}

	public String state() {
		return state;
	}

	public boolean stale() {
		return stale;
	}

	public SessionView view() {
		return new SessionView(id, assetId, recordingAssetId, state, protocol, startedAt, lastDataAt, endedAt, endReason,
				transcoderRestarts, reconnects, ingestBytes, ingestBitrate, width, height, manifestAgeMs, stale);
	}

}
