package dev.keyframe.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;
import org.springframework.modulith.test.ApplicationModuleTest;
import org.springframework.modulith.test.ApplicationModuleTest.BootstrapMode;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * One module of Keyframe started alone, on the real local stand-ins: the module test of the package the annotated
 * class is in ({@code dev.keyframe.upload.UploadModuleTests} tests the upload module). It is Spring Modulith's
 * {@link ApplicationModuleTest}: only that module's beans, those of the shared {@code platform} module and those of
 * the modules {@link #value() the bootstrap mode} adds are in the context. A test method may take a
 * {@link org.springframework.modulith.test.Scenario} parameter to stimulate the module and wait for the events it
 * publishes or the state it changes, or a {@link org.springframework.modulith.test.PublishedEvents} parameter to see
 * what the method published.
 * <p>
 * What every module test gets, so that all of them are configured alike:
 * <ul>
 * <li>Its own stand-ins (embedded PostgreSQL, S3Proxy, ElasticMQ, started by the platform's {@code LocalStack}) on
 * free ports over a fresh data directory under {@code target/module-data}, and the real ffmpeg: no mocks of S3, SQS,
 * the database or ffmpeg. Every Flyway migration runs, whichever modules start. The local edge and the live ingest
 * listen on free ports of their own; the app itself has no port (a mock web environment).</li>
 * <li>The settings of {@code KeyframeIntegrationTest}: a small, fast ladder, short timeouts, the admin
 * {@code admin} with the password {@code admin-password-for-tests}, scheduled retention runs off.</li>
 * <li>A clock tests can move ({@link TestClock}), used by every service that takes an {@code Optional<Clock>}.</li>
 * <li>No boundary check at start-up ({@code verifyAutomatically = false}): {@code ModularityTests} verifies the
 * modules once, where each module test would spend some 10 s doing it again.</li>
 * <li>The context is closed after the class ({@link DirtiesContext}): no other class shares it (its beans are one
 * module's), so it would only hold its PostgreSQL, ports and threads while the rest of the build runs.</li>
 * </ul>
 * How to use it:
 * <ul>
 * <li>{@link BootstrapMode#STANDALONE} (the default) starts the module alone: a bean it needs from another module is
 * then a {@code @MockitoBean} field of the test, which states that module's part. {@link BootstrapMode#DIRECT_DEPENDENCIES}
 * also starts the modules it uses, at little cost here (one context either way), and shows the real collaboration,
 * events included; {@link #extraIncludes()} adds modules by name.</li>
 * <li>The catalog's {@code AssetManagement} needs a {@code catalog.MediaLinks}, which playback implements: a test that
 * starts the catalog but not playback declares {@code @MockitoBean MediaLinks links}. The catalog's controllers need
 * identity's {@code CurrentUser}: a test that starts the catalog without identity mocks it ({@code CatalogModuleTests})
 * or adds {@code extraIncludes = "identity"} (transcode with {@code DIRECT_DEPENDENCIES}).</li>
 * <li>Without the identity module there is no Keyframe security chain, and Spring Boot's default one (with a
 * generated password) guards the endpoints.</li>
 * <li>The test's beans come by constructor ({@code @ApplicationModuleTest} turns on constructor autowiring).
 * {@code @AutoConfigureMockMvc} adds a {@code MockMvcTester} to call the module's controllers through the real
 * security chain.</li>
 * <li>On a two-core machine a module test class costs 4 to 8 s (its context, its stand-ins and its tests), plus some
 * 15 s once per JVM for the first (class loading, and reading the module structure): keep one class per module, with a
 * few tests that each state part of the module's contract.</li>
 * </ul>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ApplicationModuleTest(verifyAutomatically = false)
@TestPropertySource(properties = { "keyframe.local.data-dir=target/module-data/${random.uuid}",
		"keyframe.instance.id=module-${random.uuid}", "keyframe.local.postgres-port=0", "keyframe.local.s3-port=0",
		"keyframe.local.sqs-port=0", "keyframe.local.edge-port=0",
		"keyframe.transcode.ladder=480p:480:1000:96,360p:360:600:96,240p:240:300:64",
		"keyframe.transcode.preset=ultrafast", "keyframe.transcode.visibility-timeout=6s",
		"keyframe.transcode.chunk-seconds=8", "keyframe.transcode.heartbeat=2s", "keyframe.transcode.poll-wait=1s",
		"keyframe.transcode.retry-backoff=1s", "keyframe.transcode.sweep-interval=PT2S",
		"keyframe.upload.part-size=5MB", "keyframe.upload.max-size=1GB", "keyframe.metrics.refresh=PT1S",
		"keyframe.identity.admin-password=admin-password-for-tests",
		"keyframe.identity.trusted-networks=127.0.0.2/32", "keyframe.retention.cron=-",
		"keyframe.retention.batch-size=3", "keyframe.live.ingest-port=0", "keyframe.live.rtmp.port=0", "keyframe.live.srt.port=0",
		"keyframe.live.ladder=360p:360:700:64,240p:240:350:48", "keyframe.live.preset=ultrafast",
		"keyframe.live.idle-timeout=3s", "keyframe.live.stale-after=8s" })
@Import(TestClock.Config.class)
@DirtiesContext
public @interface KeyframeModuleTest {

	/** Which modules start besides the one under test (and platform, which every module shares). */
	@AliasFor(annotation = ApplicationModuleTest.class, attribute = "mode")
	BootstrapMode value() default BootstrapMode.STANDALONE;

	/** Further modules to start, by name ({@code "identity"}), whatever the bootstrap mode. */
	@AliasFor(annotation = ApplicationModuleTest.class, attribute = "extraIncludes")
	String[] extraIncludes() default {};

}
