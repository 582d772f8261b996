package dev.keyframe.live.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.jspecify.annotations.Nullable;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A live channel: what a broadcaster's feed becomes, and the stream key that lets it in (kept as a hash). */
@Entity
@Table(name = "live_channel")
public class Channel {

	@Id
	private UUID id;

	private String title;

	private String ladder;

	@JdbcTypeCode(SqlTypes.ARRAY)
	private String[] rtmpOutputs = new String[0];

	@Column(name = "reconnect_window_s")
	private int reconnectWindowSeconds;

	@Column(name = "dvr_window_s")
	private int dvrWindowSeconds;

	/** STANDARD or LOW. */
	private String latency = "STANDARD";

	/** 1, or 2: each session runs on two transcoder instances (pipelines A and B). */
	private int pipelines = 1;

	private String keyHash;

	private String keyPrefix;

	private Instant keyRotatedAt;

	private @Nullable String srtPassphrase;

	private @Nullable String createdBy;

	private Instant createdAt;

	private Instant updatedAt;

	@Version
	private long version;

	protected Channel() {
		// JPA
	}

	public Channel(String title, List<String> ladder, List<String> rtmpOutputs, int reconnectWindowSeconds,
			int dvrWindowSeconds, String latency, int pipelines, String keyHash, String keyPrefix, String srtPassphrase,
			@Nullable String createdBy, Instant now) {
		this.id = UUID.randomUUID();
		this.createdBy = createdBy;
		this.createdAt = now;
		configure(title, ladder, rtmpOutputs, reconnectWindowSeconds, dvrWindowSeconds, latency, pipelines, now);
		rekey(keyHash, keyPrefix, srtPassphrase, now);
	}

	public void configure(String title, List<String> ladder, List<String> rtmpOutputs, int reconnectWindowSeconds,
			int dvrWindowSeconds, String latency, int pipelines, Instant now) {
		this.title = title;
		this.pipelines = pipelines;
		this.latency = latency;
		this.ladder = String.join(",", ladder);
		this.rtmpOutputs = rtmpOutputs.toArray(String[]::new);
		this.reconnectWindowSeconds = reconnectWindowSeconds;
		this.dvrWindowSeconds = dvrWindowSeconds;
		this.updatedAt = now;
	}

	/** A new stream key (its hash and prefix) and SRT passphrase: the old ones stop working at once. */
	public void rekey(String keyHash, String keyPrefix, String srtPassphrase, Instant now) {
		this.keyHash = keyHash;
		this.keyPrefix = keyPrefix;
		this.srtPassphrase = srtPassphrase;
		this.keyRotatedAt = now;
		this.updatedAt = now;
	}

	public UUID id() {
		return id;
	}

	public String title() {
		return title;
	}

	public List<String> ladder() {
		return List.of(ladder.split(","));
	}

	public List<String> rtmpOutputs() {
		return List.of(rtmpOutputs);
	}

	public int reconnectWindowSeconds() {
		return reconnectWindowSeconds;
	}

	public int dvrWindowSeconds() {
		return dvrWindowSeconds;
	}

	/** STANDARD or LOW. */
	public String latency() {
		return latency;
	}

	/** Whether the channel publishes low-latency HLS. */
	public boolean lowLatency() {
		return "LOW".equals(latency);
	}

	/** 1, or 2 when each session runs on two pipelines. */
	public int pipelines() {
		return pipelines;
	}

	public String keyPrefix() {
		return keyPrefix;
	}

	/** The SRT passphrase; null for a channel whose key was last issued before SRT ingest existed. */
	public @Nullable String srtPassphrase() {
		return srtPassphrase;
	}

	public Instant keyRotatedAt() {
		return keyRotatedAt;
	}

	public @Nullable String createdBy() {
		return createdBy;
	}

	public Instant createdAt() {
		return createdAt;
	}

}
