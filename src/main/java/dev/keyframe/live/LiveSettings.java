package dev.keyframe.live;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.keyframe.platform.Rung;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;

/**
 * @param ingestPort the port broadcasters push MPEG-TS to ({@code POST /ingest/{key}}), and nginx-rtmp calls back on
 * @param ingestUrl how broadcasters reach that port, for the channel page ({@code http://localhost:19350})
 * @param rtmp the RTMP front: nginx with the rtmp module, started and stopped with the app
 * @param srt SRT ingest: Debian's libsrt, called through the FFM API
 * @param ladder the rungs a channel may use, {@code name:shortSide:videoKbps:audioKbps} separated by commas, tallest
 *        first
 * @param preset the x264 preset of live transcoders
 * @param segmentSeconds HLS segment length (and keyframe interval)
 * @param windowSegments segments in a live playlist when the channel has no DVR window
 * @param idleTimeout a feed that sends nothing this long has stopped
 * @param staleAfter a playlist whose newest segment is older than this raises the stale alarm
 * @param maxRestarts transcoder restarts allowed per session before it is ended
 * @param launcher how live instances start a stream's transcoder instance: {@code process} (an OS process of this
 *        jar on the same host) or {@code ecs} (an ECS task per stream, see {@link Ecs})
 * @param ecs the ECS task the {@code ecs} launcher runs
 * @param relayBind the address a transcoder instance takes the relayed feed on ({@code 0.0.0.0} in a container)
 * @param relayPort its port (0: any free one; a fixed one where a security group must allow it)
 * @param relayHost the address live instances reach it at (default: the task's private address on ECS, else
 *        {@code 127.0.0.1})
 * @param transcoderLostAfter a transcoder instance whose heartbeat is this old is replaced
 * @param transcoderStartTimeout a transcoder instance that has not taken the relay this long after its launch is
 *        replaced
 * @param transcoder what a transcoder instance serves (set by the launcher, for the transcoder role only)
 * @param passthrough whether a feed whose video browsers can play as it is (H.264, keyframes that fit the
 *        segments) gets it, not re-encoded, as its top rung
 * @param failover when a channel with a backup feed switches to it, and back
 */
@Validated
@ConfigurationProperties("keyframe.live")
public record LiveSettings(@DefaultValue("19350") int ingestPort,
		@DefaultValue("http://localhost:19350") String ingestUrl, @DefaultValue Rtmp rtmp, @DefaultValue Srt srt,
		@DefaultValue({ "720p:720:2800:128", "480p:480:1400:96", "360p:360:800:96" }) @NotEmpty List<Rung> ladder,
		@DefaultValue("veryfast") String preset, @DefaultValue("2") @Min(1) @Max(6) int segmentSeconds,
		@DefaultValue("6") @Min(3) @Max(30) int windowSegments, @DefaultValue("5s") Duration idleTimeout,
		@DefaultValue("10s") Duration staleAfter, @DefaultValue("5") int maxRestarts,
		@DefaultValue("process") String launcher, @DefaultValue Ecs ecs, @DefaultValue("127.0.0.1") String relayBind,
		@DefaultValue("0") int relayPort, @Nullable String relayHost, @DefaultValue("5s") Duration transcoderLostAfter,
		@DefaultValue("90s") Duration transcoderStartTimeout, @DefaultValue Transcoder transcoder,
		@DefaultValue("true") boolean passthrough, @DefaultValue Failover failover) {

	/**
	 * When a channel with two feeds (primary and backup, see docs/live.md) puts the backup on air, and when it returns
	 * to the primary.
	 *
	 * @param lossOfSignal a feed that sent nothing this long has lost its signal
	 * @param black a picture black this long is a fault (it is looked at once a keyframe interval)
	 * @param silence sound below -60 dB this long is a fault (a feed without audio is never silent)
	 * @param hold the primary must be connected, sending, neither black nor silent this long before it is back on air
	 */
	public record Failover(@DefaultValue("2s") Duration lossOfSignal, @DefaultValue("4s") Duration black,
			@DefaultValue("15s") Duration silence, @DefaultValue("10s") Duration hold) {
	}

	/**
	 * The ECS task a live instance runs per stream ({@code keyframe.live.launcher=ecs}): the transcoder task
	 * definition, the container in it that gets the session as an environment override, and its network.
	 *
	 * @param cluster the cluster's name or ARN
	 * @param taskDefinition the transcoder task definition (family, family:revision or ARN)
	 * @param container the container name in it
	 * @param subnets the subnets tasks start in
	 * @param securityGroups their security groups (live instances must reach the relay port)
	 * @param assignPublicIp whether tasks get a public address (not needed with NAT or VPC endpoints)
	 * @param capacityProvider a capacity provider (such as FARGATE_SPOT) instead of the FARGATE launch type
	 */
	public record Ecs(@Nullable String cluster, @Nullable String taskDefinition,
			@DefaultValue("keyframe") String container, @DefaultValue List<String> subnets,
			@DefaultValue List<String> securityGroups, @DefaultValue("false") boolean assignPublicIp,
			@Nullable String capacityProvider) {
	}

	/**
	 * @param session the live session a transcoder instance serves
	 * @param generation which of the session's transcoder instances it is
	 * @param pipeline which of the session's pipelines it runs: A, or B for the second of a channel with two
	 */
	public record Transcoder(java.util.@Nullable UUID session, @DefaultValue("0") int generation,
			@DefaultValue("A") String pipeline) {
	}

	/**
	 * @param enabled whether to take SRT feeds
	 * @param library the libsrt shared library, by name or path (Debian: {@code libsrt1.5-openssl})
	 * @param port the UDP port SRT callers connect to (0: a free one, for tests)
	 * @param url how broadcasters reach it, for the channel page ({@code srt://host:port}; the stream id and
	 *        passphrase are added)
	 */
	public record Srt(@DefaultValue("true") boolean enabled, @DefaultValue("libsrt.so.1.5") String library,
			@DefaultValue("19352") int port, @DefaultValue("srt://localhost:19352") String url) {
	}

	/**
	 * @param enabled whether to run the RTMP front
	 * @param nginx the nginx binary (Debian: nginx-light with libnginx-mod-rtmp)
	 * @param module the rtmp module nginx loads
	 * @param port the RTMP port broadcasters push to ({@code rtmp://host:port/live/{key}})
	 * @param url how broadcasters reach it, for the channel page
	 */
	public record Rtmp(@DefaultValue("true") boolean enabled, @DefaultValue("/usr/sbin/nginx") String nginx,
			@DefaultValue("/usr/lib/nginx/modules/ngx_rtmp_module.so") String module,
			@DefaultValue("19351") int port, @DefaultValue("rtmp://localhost:19351/live") String url) {
	}

}
