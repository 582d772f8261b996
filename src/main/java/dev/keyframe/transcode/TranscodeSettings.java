package dev.keyframe.transcode;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.keyframe.platform.Packaging;
import dev.keyframe.platform.Rung;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;

/**
 * The ladder and how workers run it.
 *
 * @param ladder video rungs, by the short side of the picture (so portrait video gets the same rungs)
 * @param audioLadder rungs for sources without video
 * @param segmentSeconds target HLS segment length (see docs/adr/0003)
 * @param gopSeconds distance between forced keyframes; segment length is a multiple of it
 * @param preset the x264 preset
 * @param workers concurrent jobs in this process (0: this instance runs no worker)
 * @param firstRungAlone encode the lowest rung in its own process so the asset plays sooner (docs/adr/0002)
 * @param visibilityTimeout how long a received message stays hidden; the heartbeat renews it
 * @param heartbeat how often a running job renews its message and lease
 * @param maxAttempts attempts per job before it ends FAILED
 * @param retryBackoff delay before a failed attempt is retried (doubled each attempt, at most 15 min)
 * @param redispatchAfter a PENDING job with no message this long is queued again
 * @param stallTimeout an encode that makes no progress this long is stopped and retried
 * @param pollWait the SQS long-poll wait
 * @param chunkSeconds how much of the source's timeline one job encodes (a multiple of the segment length; see
 * docs/adr/0015): longer sources are spread over this many seconds per job, so any worker takes any chunk
 * @param packaging how new assets' segments are packaged: CMAF (fragmented MP4, the default) or TS (MPEG-TS, for
 * players that read nothing else); see docs/adr/0024. Assets made before keep theirs.
 */
@Validated
@ConfigurationProperties("keyframe.transcode")
public record TranscodeSettings(@DefaultValue({ "1080p:1080:5000:128", "720p:720:2800:128", "480p:480:1400:96",
		"360p:360:800:96" }) @NotEmpty @Valid List<Rung> ladder,
		@DefaultValue({ "audio-128k:0:0:128", "audio-64k:0:0:64" }) @NotEmpty List<Rung> audioLadder,
		@DefaultValue("4") @Min(1) int segmentSeconds, @DefaultValue("2") @Min(1) int gopSeconds,
		@DefaultValue("fast") String preset, @DefaultValue("2") @Min(0) int workers,
		@DefaultValue("true") boolean firstRungAlone, @DefaultValue("60s") Duration visibilityTimeout,
		@DefaultValue("20s") Duration heartbeat, @DefaultValue("3") @Min(1) int maxAttempts,
		@DefaultValue("30s") Duration retryBackoff, @DefaultValue("3m") Duration redispatchAfter,
		@DefaultValue("5m") Duration stallTimeout, @DefaultValue("10s") Duration pollWait,
		@DefaultValue("60") @Min(1) int chunkSeconds, @DefaultValue("CMAF") Packaging packaging) {

	public TranscodeSettings {
		if (segmentSeconds % gopSeconds != 0) {
			throw new IllegalArgumentException("keyframe.transcode.segment-seconds must be a multiple of gop-seconds");
		}
		if (chunkSeconds % segmentSeconds != 0) {
			throw new IllegalArgumentException("keyframe.transcode.chunk-seconds must be a multiple of segment-seconds");
		}
		if (heartbeat.compareTo(visibilityTimeout.dividedBy(2)) > 0) {
			throw new IllegalArgumentException("keyframe.transcode.heartbeat must be at most half the visibility timeout");
		}
		if (lease(visibilityTimeout, heartbeat).compareTo(renewal(heartbeat).multipliedBy(2)) < 0) {
			throw new IllegalArgumentException("keyframe.transcode.visibility-timeout is too short for its heartbeat: "
					+ "a lease of " + lease(visibilityTimeout, heartbeat).toMillis() + " ms would not outlast two renewals");
		}
	}

	/** How often a running job renews its lease: every 2 s, or twice per heartbeat where heartbeats are shorter. */
	public Duration renewal() {
		return renewal(heartbeat);
	}

	private static Duration renewal(Duration heartbeat) {
		Duration half = heartbeat.dividedBy(2);
		return half.compareTo(Duration.ofSeconds(2)) < 0 ? half : Duration.ofSeconds(2);
	}

	/**
	 * How long a claim holds a job without renewal. The message is extended at most a {@code heartbeat} apart, so
	 * a dead worker's message reappears at the earliest {@code visibilityTimeout - heartbeat} after its death, while
	 * its lease, renewed until then, runs out {@code lease} after it. The lease ends a renewal before that: the
	 * redelivered message takes the job over at once, and nothing waits for the sweeper.
	 */
	public Duration lease() {
		return lease(visibilityTimeout, heartbeat);
	}

	private static Duration lease(Duration visibilityTimeout, Duration heartbeat) {
		return visibilityTimeout.minus(heartbeat).minus(renewal(heartbeat));
	}

}
