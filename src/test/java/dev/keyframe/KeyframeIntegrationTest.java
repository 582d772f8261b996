package dev.keyframe;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;

import dev.keyframe.support.TestClock;

/**
 * The one application context the integration tests share: the whole platform on its real local stand-ins
 * (embedded PostgreSQL, S3Proxy, ElasticMQ, ffmpeg) on free ports and a fresh data directory, with a small,
 * fast ladder, and a clock tests can move ({@link TestClock}). Every test class using exactly this annotation reuses the same context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"keyframe.local.data-dir=target/it-data/${random.uuid}", "keyframe.instance.id=it-${random.uuid}",
		"keyframe.local.postgres-port=0",
		"keyframe.local.s3-port=0", "keyframe.local.sqs-port=0", "keyframe.local.edge-port=0",
		"keyframe.transcode.ladder=480p:480:1000:96,360p:360:600:96,240p:240:300:64",
		"keyframe.transcode.preset=ultrafast", "keyframe.transcode.visibility-timeout=6s",
		"keyframe.transcode.chunk-seconds=8",
		"keyframe.transcode.heartbeat=2s", "keyframe.transcode.poll-wait=1s", "keyframe.transcode.retry-backoff=1s",
		"keyframe.transcode.sweep-interval=PT2S", "keyframe.upload.part-size=5MB", "keyframe.upload.max-size=1GB",
		"keyframe.metrics.refresh=PT1S", "keyframe.identity.admin-password=admin-password-for-tests",
		"keyframe.identity.trusted-networks=127.0.0.2/32",
		"keyframe.retention.cron=-", "keyframe.retention.batch-size=3", "keyframe.live.ingest-port=0",
		"keyframe.live.rtmp.port=0", "keyframe.live.srt.port=0",
		"keyframe.live.ladder=360p:360:700:64,240p:240:350:48", "keyframe.live.preset=ultrafast",
		"keyframe.live.idle-timeout=3s", "keyframe.live.stale-after=8s",
		"keyframe.live.failover.loss-of-signal=1500ms", "keyframe.live.failover.black=2s",
		"keyframe.live.failover.hold=6s" })
@Import(TestClock.Config.class)
public @interface KeyframeIntegrationTest {

}
