package dev.keyframe.live;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A broadcast of a channel.
 *
 * @param assetId the catalog asset viewers play while it is live (through the signed CDN path)
 * @param recordingAssetId the VOD asset its recording became, once ended
 * @param state LIVE, RECONNECTING (the feed dropped; the reconnect window is open) or ENDED
 * @param protocol the ingest protocol: HTTP_TS, RTMP or SRT
 * @param ingestBitrate bits per second over the last seconds of feed
 * @param manifestAgeMs now minus the newest segment's program date time, when last measured
 * @param stale whether the stale alarm is raised
 */
public record SessionView(UUID id, UUID assetId, @Nullable UUID recordingAssetId, String state, String protocol,
		Instant startedAt, @Nullable Instant lastDataAt, @Nullable Instant endedAt, @Nullable String endReason,
		int transcoderRestarts, int reconnects, long ingestBytes, @Nullable Long ingestBitrate, @Nullable Integer width,
		@Nullable Integer height, @Nullable Long manifestAgeMs, boolean stale) {
}
