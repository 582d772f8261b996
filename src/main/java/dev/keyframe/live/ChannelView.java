package dev.keyframe.live;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A channel as editors see it.
 *
 * @param state IDLE (no session yet or the last one ended), LIVE, RECONNECTING
 * @param keyPrefix the first characters of the stream key, to tell keys apart (the key itself is shown once)
 * @param session the current or last session
 * @param ingest where broadcasters push, one entry per ingest protocol, with {@code {stream key}} and
 *        {@code {passphrase}} where the secrets go
 * @param latency STANDARD or LOW (low-latency HLS)
 * @param pipelines 1, or 2 when each session runs on two pipelines
 * @param srtReady whether the channel has an SRT passphrase (one made before SRT ingest gets it with its next key)
 */
public record ChannelView(UUID id, String title, List<String> ladder, List<String> rtmpOutputs,
		int reconnectWindowSeconds, int dvrWindowSeconds, String latency, int pipelines, String keyPrefix, Instant keyRotatedAt, String state,
		@Nullable SessionView session, List<IngestUrl> ingest, boolean srtReady, Instant createdAt) {
}
