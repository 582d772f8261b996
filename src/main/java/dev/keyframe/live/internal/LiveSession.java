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

	/** STANDARD or LOW: the channel's latency when the session started, kept for its whole length. */
	private String latency = "STANDARD";

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

	private @Nullable String transcoderId;

	private int transcoderGeneration;

	private @Nullable String transcoderEndpoint;

	private @Nullable String relayToken;

	private @Nullable String workDir;

	private @Nullable Long encoderPid;

	private @Nullable String outputs;

	private @Nullable String ingestInstance;

	private @Nullable Instant ingestHeartbeatAt;

	/** 1, or 2: the session runs on pipelines A and B (docs/adr/0020). */
	private int pipelines = 1;

	private @Nullable String bTranscoderId;

	private int bTranscoderGeneration;

	private @Nullable String bTranscoderEndpoint;

	private @Nullable Instant bHeartbeatAt;

	private @Nullable String bOwner;

	private @Nullable String bWorkDir;

	private @Nullable Long bEncoderPid;

	private @Nullable Long newestSegment;

	private @Nullable Long bNewestSegment;

	/** A or B: the pipeline that publishes. */
	private String publisher = "A";

	private @Nullable Long publishedSegment;

	private @Nullable Long publishedPts;

	private @Nullable Instant publishedDate;

	private @Nullable String publishedTimeline;

	private @Nullable Instant publishedAt;

	protected LiveSession() {
		// JPA
	}

	public LiveSession(UUID id, UUID channelId, UUID assetId, String protocol, String latency, String ingestInstance,
			String relayToken, Instant now) {
		this(id, channelId, assetId, protocol, latency, 1, ingestInstance, relayToken, now);
	}

	public LiveSession(UUID id, UUID channelId, UUID assetId, String protocol, String latency, int pipelines,
			String ingestInstance, String relayToken, Instant now) {
		this.pipelines = pipelines;
		if (pipelines == 2) {
			this.bTranscoderGeneration = 1;
			this.bHeartbeatAt = now;
		}
		this.latency = latency;
		this.ingestInstance = ingestInstance;
		this.ingestHeartbeatAt = now;
		this.relayToken = relayToken;
		this.transcoderGeneration = 1;
		this.heartbeatAt = now;
		this.id = id;
		this.channelId = channelId;
		this.assetId = assetId;
		this.protocol = protocol;
		this.state = LIVE;
		this.startedAt = now;
	}

	/** Whether the session publishes low-latency HLS (as its channel did when it started). */
	public boolean lowLatency() {
		return "LOW".equals(latency);
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

	/** A live instance relays the session's feed now. */
	public void relayedBy(String instance, String protocol, Instant now) {
		this.ingestInstance = instance;
		this.ingestHeartbeatAt = now;
		this.protocol = protocol;
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

	public String protocol() {
		return protocol;
	}

	public int transcoderRestarts() {
		return transcoderRestarts;
	}

	public @Nullable String transcoderId() {
		return transcoderId;
	}

	public int transcoderGeneration() {
		return transcoderGeneration;
	}

	public @Nullable String transcoderEndpoint() {
		return transcoderEndpoint;
	}

	public @Nullable String relayToken() {
		return relayToken;
	}

	public @Nullable String owner() {
		return owner;
	}

	public @Nullable String workDir() {
		return workDir;
	}

	public @Nullable Long encoderPid() {
		return encoderPid;
	}

	/** The RTMP outputs as the transcoder last reported them, one {@code up|pid|target} line each. */
	public @Nullable String outputs() {
		return outputs;
	}

	public @Nullable String ingestInstance() {
		return ingestInstance;
	}

	public @Nullable Instant ingestHeartbeatAt() {
		return ingestHeartbeatAt;
	}

	public @Nullable Long manifestAgeMs() {
		return manifestAgeMs;
	}

	/** The pipelines the session runs on: A, or A and B. */
	public java.util.List<Pipeline> pipelines() {
		return pipelines == 2 ? java.util.List.of(Pipeline.A, Pipeline.B) : java.util.List.of(Pipeline.A);
	}

	/** The pipeline that publishes. */
	public Pipeline publisher() {
		return Pipeline.valueOf(publisher.strip());
	}

	public int generation(Pipeline pipeline) {
		return pipeline == Pipeline.A ? transcoderGeneration : bTranscoderGeneration;
	}

	public @Nullable String transcoderId(Pipeline pipeline) {
		return pipeline == Pipeline.A ? transcoderId : bTranscoderId;
	}

	public @Nullable String endpoint(Pipeline pipeline) {
		return pipeline == Pipeline.A ? transcoderEndpoint : bTranscoderEndpoint;
	}

	public @Nullable Instant heartbeatAt(Pipeline pipeline) {
		return pipeline == Pipeline.A ? heartbeatAt : bHeartbeatAt;
	}

	public @Nullable String owner(Pipeline pipeline) {
		return pipeline == Pipeline.A ? owner : bOwner;
	}

	public @Nullable String workDir(Pipeline pipeline) {
		return pipeline == Pipeline.A ? workDir : bWorkDir;
	}

	public @Nullable Long encoderPid(Pipeline pipeline) {
		return pipeline == Pipeline.A ? encoderPid : bEncoderPid;
	}

	/** The pipeline's newest segment by the session's numbering; null while it is not in step. */
	public @Nullable Long newestSegment(Pipeline pipeline) {
		return pipeline == Pipeline.A ? newestSegment : bNewestSegment;
	}

	/**
	 * The newest segment the publishing pipeline claimed, with what the other pipeline names its own segments by;
	 * null before the first.
	 */
	public PipelineNumbering.@Nullable Anchor anchor() {
		return publishedSegment == null || publishedPts == null || publishedDate == null || publishedTimeline == null
				? null : new PipelineNumbering.Anchor(publishedSegment, publishedPts, publishedDate, publishedTimeline);
	}

	/** When the publishing pipeline last claimed a segment; the session's start before the first. */
	public Instant publishedAt() {
		return publishedAt != null ? publishedAt : startedAt;
	}

	public SessionView view() {
		return new SessionView(id, assetId, recordingAssetId, state, protocol, startedAt, lastDataAt, endedAt, endReason,
				transcoderRestarts, reconnects, ingestBytes, ingestBitrate, width, height, manifestAgeMs, stale);
	}

}
