package dev.keyframe.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.modulith.test.ApplicationModuleTest.BootstrapMode;
import org.springframework.modulith.test.Scenario;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.MediaLinks;
import dev.keyframe.catalog.NewAsset;
import dev.keyframe.catalog.Visibility;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.support.KeyframeModuleTest;
import dev.keyframe.support.TestClock;
import dev.keyframe.upload.UploadState;
import dev.keyframe.upload.Uploads;
import dev.keyframe.upload.Uploads.StartUpload;
import dev.keyframe.upload.Uploads.StartedUpload;

/**
 * The retention module with the modules whose things it keeps or ends (catalog, upload, identity): a rule's dry run
 * says what a run then does, a run an admin starts works in the background and audits each action, and an upload
 * left open past its hours is aborted by the upload module.
 */
@KeyframeModuleTest(BootstrapMode.DIRECT_DEPENDENCIES)
@AutoConfigureMockMvc
class RetentionModuleTests {

	/** Playback's, which the catalog uses for poster links: not needed here. */
	@MockitoBean
	MediaLinks links;

	private final Lifecycle lifecycle;

	private final AssetManagement assets;

	private final Uploads uploads;

	private final ObjectStorage storage;

	private final TestClock clock;

	private final MockMvcTester mvc;

	RetentionModuleTests(Lifecycle lifecycle, AssetManagement assets, Uploads uploads, ObjectStorage storage,
			TestClock clock, MockMvcTester mvc) {
		this.lifecycle = lifecycle;
		this.assets = assets;
		this.uploads = uploads;
		this.storage = storage;
		this.clock = clock;
		this.mvc = mvc;
	}

	@AfterEach
	void noRulesLeft() {
		clock.reset();
		lifecycle.rules().forEach(rule -> lifecycle.delete(rule.id()));
	}

	@Test
	void aRunStartedByAnAdminDoesInTheBackgroundWhatTheDryRunSaid(Scenario scenario) {
		AssetId old = failedAsset("Failed long ago", Duration.ofDays(31));
		AssetId recent = failedAsset("Failed lately", Duration.ofDays(29));
		lifecycle.create(new RuleForm("Expire failures", RuleAction.EXPIRE_AFTER_CREATED, RuleScope.TAG, "failures",
				30, null, null, 10, true), "admin");

		assertThat(lifecycle.plan().steps()).singleElement().satisfies(step -> {
			assertThat(step.kind()).isEqualTo(StepKind.EXPIRE);
			assertThat(step.asset()).isEqualTo(old);
			assertThat(step.objects()).isEqualTo(1);
		});
		assertThat(status(old)).as("a dry run changes nothing").isEqualTo(AssetStatus.FAILED);

		scenario.stimulate(() -> mvc.post().uri("/api/admin/retention/runs").with(user("admin").roles("ADMIN"))
			.with(csrf()).exchange())
			.andWaitForStateChange(() -> lifecycle.history(1).getFirst(), run -> run.state().equals("DONE"))
			.andVerify((run, answer) -> {
				assertThat(answer).hasStatus(202);
				assertThat(answer).headers().hasValue("Location", "/api/admin/retention/runs/" + run.id());
				assertThat(run.assets()).isEqualTo(1);
				assertThat(status(old)).isEqualTo(AssetStatus.REMOVED);
				assertThat(storage.list(AssetKeys.source(old))).as("its source").isEmpty();
				assertThat(lifecycle.trail(old)).singleElement().satisfies(line -> {
					assertThat(line.rule()).isEqualTo("Expire failures");
					assertThat(line.outcome()).isEqualTo("DONE");
					assertThat(line.objects()).isEqualTo(1);
				});
				assertThat(status(recent)).as("not due yet").isEqualTo(AssetStatus.FAILED);
				assertThat(storage.list(AssetKeys.source(recent))).hasSize(1);
			});
	}

	@Test
	void anUploadLeftOpenPastItsHoursIsAbortedAndItsAssetFailed() {
		clock.set(Instant.now().minus(Duration.ofHours(25)));
		StartedUpload open = uploads.start(new StartUpload("forgotten.mp4", 6 * 1024 * 1024, "video/mp4", null));
		clock.reset();
		lifecycle.create(new RuleForm("Abort after a day", RuleAction.ABORT_UPLOADS, RuleScope.ALL, null, 24, null,
				null, 10, true), "admin");

		RunView run = lifecycle.run("MANUAL", "admin", step -> {
		}).orElseThrow();

		assertThat(run.state()).isEqualTo("DONE");
		assertThat(run.errors()).isZero();
		assertThat(uploads.status(open.uploadId()).state()).isEqualTo(UploadState.EXPIRED);
		assertThat(assets.find(new AssetId(open.assetId())).orElseThrow()).satisfies(asset -> {
			assertThat(asset.status()).isEqualTo(AssetStatus.FAILED);
			assertThat(asset.statusReason()).contains("Abort after a day");
		});
		assertThat(storage.openMultipartUploads("sources/")).isEmpty();
	}

	/** An asset made {@code age} ago, tagged {@code failures}, whose source is stored but could not be used. */
	private AssetId failedAsset(String title, Duration age) {
		clock.set(Instant.now().minus(age));
		AssetId id = assets.create(new NewAsset(title, "clip.mp4", "video/mp4", 1000));
		clock.reset();
		storage.put(AssetKeys.source(id), new byte[1000], "video/mp4", "private");
		assets.failed(id, "Not a video.");
		assets.describe(id, title, null, Visibility.PRIVATE, List.of("failures"));
		return id;
	}

	private AssetStatus status(AssetId id) {
		return assets.find(id).orElseThrow().status();
	}

}
