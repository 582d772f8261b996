package dev.keyframe.retention;

import static dev.keyframe.support.KeyframeClient.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.keyframe.KeyframeIntegrationTest;
import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.NewAsset;
import dev.keyframe.catalog.AssetRetention;
import dev.keyframe.catalog.AssetView;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.identity.Accounts;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.platform.ObjectStorage.Listed;
import dev.keyframe.support.KeyframeClient;
import dev.keyframe.support.Media;
import dev.keyframe.support.TestClock;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Retention rules applied by lifecycle runs to real assets in the real stand-ins, with the test clock moved to
 * the days rules name. Rules are scoped to a tag of each test's own, so the assets other tests make are left alone.
 */
@KeyframeIntegrationTest
class RetentionIntegrationTests {

	private static final Duration ENCODE = Duration.ofSeconds(90);

	private static final Duration MINUTE = Duration.ofMinutes(1);

	@LocalServerPort
	int port;

	@Autowired
	Accounts accounts;

	@Autowired
	MediaTools tools;

	@Autowired
	Lifecycle lifecycle;

	@Autowired
	AssetManagement assets;

	@Autowired
	ObjectStorage storage;

	@Autowired
	TestClock clock;

	@Autowired
	AssetRetention retention;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry meters;

	@TempDir
	Path dir;

	KeyframeClient client;

	@BeforeEach
	void client() {
		client = KeyframeClient.admin(port, accounts);
	}

	@AfterEach
	void cleanUp() {
		lifecycle.rules().forEach(rule -> lifecycle.delete(rule.id()));
		clock.reset();
	}

	@Test
	void eachRuleActsOnItsDayAndNotBefore() throws IOException {
		String tag = tag();
		AssetId id = readyAssets(tag, 1).getFirst();
		AssetView asset = assets.find(id).orElseThrow();
		Instant created = asset.createdAt();
		Instant ready = asset.keeping().readyAt();
		assertThat(ready).isNotNull();
		assertThat(asset.renditions()).extracting(AssetView.RenditionView::profile).containsExactly("360p", "240p", "audio");
		assertThat(client.send("PATCH", "/api/assets/" + id, Map.of("visibility", "PUBLIC")).status()).isEqualTo(200);
		rule("Cool sources", RuleAction.MOVE_SOURCE, tag, 5, "GLACIER_IR", null);
		rule("Drop sources", RuleAction.DELETE_SOURCE, tag, 10, null, null);
		rule("Keep it cheap", RuleAction.DROP_RENDITIONS, tag, 20, null, 240);
		rule("Unwatched", RuleAction.EXPIRE_AFTER_LAST_PLAYED, tag, 40, null, null);
		Listed source = storage.list("sources/" + id + "/").getFirst();

		clock.set(created.plus(Duration.ofDays(5)).minus(MINUTE));
		assertThat(stepsFor(lifecycle.plan(), id)).isEmpty();
		clock.set(created.plus(Duration.ofDays(5)).plus(MINUTE));
		assertThat(stepsFor(lifecycle.plan(), id)).extracting(Plan.Step::kind).containsExactly(StepKind.MOVE_SOURCE);
		RunView moved = run();
		assertThat(moved.state()).isEqualTo("DONE");
		assertThat(assets.find(id).orElseThrow().keeping().sourceStorageClass()).isEqualTo("GLACIER_IR");
		// the local S3 stand-in does not keep storage classes; the object was rewritten onto itself, unchanged
		assertThat(storage.list("sources/" + id + "/")).singleElement()
			.satisfies(after -> assertThat(after.size()).isEqualTo(source.size()));
		assertThat(stepsFor(lifecycle.plan(), id)).as("a moved source is not moved again").isEmpty();

		clock.set(ready.plus(Duration.ofDays(10)).minus(MINUTE));
		assertThat(stepsFor(lifecycle.plan(), id)).isEmpty();
		clock.set(ready.plus(Duration.ofDays(10)).plus(MINUTE));
		assertThat(stepsFor(lifecycle.plan(), id)).extracting(Plan.Step::kind).containsExactly(StepKind.DELETE_SOURCE);
		run();
		assertThat(storage.list("sources/" + id + "/")).isEmpty();
		AssetView sourceless = assets.find(id).orElseThrow();
		assertThat(sourceless.keeping().sourceDeletedAt()).isNotNull();
		assertThat(sourceless.keeping().transcodeBlocker()).contains("cannot be transcoded again");
		var retry = client.post("/api/assets/" + id + "/retry", Map.of());
		assertThat(retry.status()).as(retry.body()).isEqualTo(409);
		assertThat(retry.body()).contains("source file was deleted");
		assertThat(client.grant(id.toString()).get("masterUrl").asString()).as("renditions still play").isNotEmpty();
		Instant played = clock.instant();

		clock.set(ready.plus(Duration.ofDays(20)).minus(MINUTE));
		assertThat(stepsFor(lifecycle.plan(), id)).isEmpty();
		clock.set(ready.plus(Duration.ofDays(20)).plus(MINUTE));
		assertThat(stepsFor(lifecycle.plan(), id)).singleElement()
			.satisfies(step -> assertThat(step.detail()).isEqualTo("360p"));
		run();
		assertThat(assets.renditions(id)).extracting(RenditionSpec::profile).containsExactly("240p", "audio");
		assertThat(storage.list("media/" + id + "/360p/")).isEmpty();
		assertThat(read("media/" + id + "/master.m3u8")).contains("240p/").doesNotContain("360p");

		// played at day 10: unwatched for 40 days means day 50, not day 40 after it was ready
		clock.set(played.plus(Duration.ofDays(40)).minus(MINUTE));
		assertThat(stepsFor(lifecycle.plan(), id)).isEmpty();
		clock.set(played.plus(Duration.ofDays(40)).plus(MINUTE));
		assertThat(stepsFor(lifecycle.plan(), id)).extracting(Plan.Step::kind).containsExactly(StepKind.EXPIRE);
		run();
		AssetView removed = assets.find(id).orElseThrow();
		assertThat(removed.status().name()).isEqualTo("REMOVED");
		assertThat(removed.renditions()).isEmpty();
		assertThat(storage.list("media/" + id + "/")).isEmpty();
		var watch = new KeyframeClient(port, "").page("/watch/" + id);
		assertThat(watch.status()).isEqualTo(410);
		assertThat(watch.body()).contains("was removed on");
		assertThat(client.get("/api/playback/" + id).status()).isEqualTo(410);
		assertThat(stepsFor(lifecycle.plan(), id)).as("nothing is left to do").isEmpty();

		assertThat(lifecycle.trail(id)).extracting(line -> line.action() + " " + line.outcome())
			.containsExactly("Expire asset DONE", "Drop renditions DONE", "Delete source DONE", "Move source DONE");
		assertStorageAgrees(List.of(id));
	}

	@Test
	void aLegalHoldBlocksEveryRule() throws IOException {
		String tag = tag();
		AssetId id = readyAssets(tag, 1).getFirst();
		var held = client.send("PUT", "/api/admin/retention/holds/" + id, Map.of("reason", "Litigation 2026-17"));
		assertThat(held.status()).as(held.body()).isEqualTo(204);
		assertThat(assets.find(id).orElseThrow().keeping().holdReason()).isEqualTo("Litigation 2026-17");
		rule("Expire", RuleAction.EXPIRE_AFTER_CREATED, tag, 1, null, null);
		rule("Delete source", RuleAction.DELETE_SOURCE, tag, 1, null, null);
		rule("Drop", RuleAction.DROP_RENDITIONS, tag, 1, null, 240);
		rule("Cool", RuleAction.MOVE_SOURCE, tag, 1, "DEEP_ARCHIVE", null);
		List<Listed> before = objectsOf(id);
		clock.set(clock.instant().plus(Duration.ofDays(400)));

		Plan plan = lifecycle.plan();
		assertThat(stepsFor(plan, id)).isEmpty();
		assertThat(plan.held()).isGreaterThanOrEqualTo(1);
		run();
		assertThat(objectsOf(id)).isEqualTo(before);
		assertThat(assets.find(id).orElseThrow().status().name()).isEqualTo("READY");
		assertThat(lifecycle.trail(id)).isEmpty();
		assertThat(client.delete("/api/admin/retention/holds/" + id).status()).isEqualTo(204);
		assertThat(stepsFor(lifecycle.plan(), id)).extracting(Plan.Step::kind).containsExactly(StepKind.EXPIRE);
		// a hold placed after a plan was made still stops its action: every action re-checks under the row lock
		var again = client.send("PUT", "/api/admin/retention/holds/" + id, Map.of("reason", "Again"));
		assertThat(again.status()).isEqualTo(204);
		AssetRetention.Outcome refused = retention.expire(id, "late");
		assertThat(refused.done()).isFalse();
		assertThat(refused.skipped()).isEqualTo("On legal hold: Again");
		assertThat(retention.deleteSource(id).done()).isFalse();
		assertThat(objectsOf(id)).isEqualTo(before);
		assertThat(client.send("PUT", "/api/admin/retention/holds/" + id, Map.of("reason", " ")).status())
			.isEqualTo(400);
		var delete = client.delete("/api/assets/" + id);
		assertThat(delete.status()).as("a held asset cannot be deleted by hand either").isEqualTo(409);
		assertThat(delete.body()).contains("legal hold");
		assertThat(objectsOf(id)).isEqualTo(before);
	}

	@Test
	void aDryRunIsWhatTheRunDoesAndAKilledRunIsFinishedByTheNext() throws IOException {
		String tag = tag();
		List<AssetId> ids = readyAssets(tag, 3);
		rule("Delete sources", RuleAction.DELETE_SOURCE, tag, 1, null, null);
		rule("Drop", RuleAction.DROP_RENDITIONS, tag, 2, null, 240);
		clock.set(clock.instant().plus(Duration.ofDays(3)));
		List<String> planned = lines(stepsFor(lifecycle.plan(), ids));
		assertThat(planned).hasSize(6);

		AtomicInteger taken = new AtomicInteger();
		try {
			lifecycle.run("MANUAL", "tests", step -> {
				if (step.step().asset() != null && ids.contains(step.step().asset()) && taken.incrementAndGet() == 4) {
					throw new Killed();
				}
			});
		}
		catch (Killed expected) {
			// the instance died here
		}
		// its lock went with it: the history says so at once, ended when its last action did
		RunView killed = lifecycle.history(1).getFirst();
		assertThat(killed.state()).isEqualTo("INTERRUPTED");
		List<Lifecycle.RunLine> lines = lifecycle.actionsOf(killed.id());
		assertThat(lines).isNotEmpty();
		assertThat(killed.finishedAt()).isEqualTo(lines.stream().map(l -> l.line().at()).max(Instant::compareTo).get());
		List<String> rest = lines(stepsFor(lifecycle.plan(), ids));
		assertThat(rest).hasSize(2).isSubsetOf(planned);

		RunView finished = run();
		assertThat(finished.state()).isEqualTo("DONE");
		assertThat(lifecycle.history(2).get(1).state()).isEqualTo("INTERRUPTED");
		List<String> done = ids.stream()
			.flatMap(id -> lifecycle.trail(id).stream())
			.filter(line -> line.outcome().equals("DONE"))
			.map(line -> line.action() + " " + line.objects() + " " + line.bytes())
			.sorted()
			.toList();
		assertThat(done).as("every planned action happened exactly once, as planned")
			.isEqualTo(planned.stream().map(l -> l.substring(l.indexOf(' ') + 1)).sorted().toList());
		assertThat(stepsFor(lifecycle.plan(), ids)).isEmpty();
		for (AssetId id : ids) {
			assertThat(storage.list("sources/" + id + "/")).isEmpty();
			assertThat(assets.renditions(id)).extracting(RenditionSpec::profile).as("the audio the video plays with stays").containsExactly("240p", "audio");
		}
		assertStorageAgrees(ids);
		assertThat(meters.counter("keyframe.retention.objects", "action", "deleted").count()).isPositive();
	}

	@Test
	void twoRunsStartedAtOnceDoTheWorkOnce() throws Exception {
		String tag = tag();
		List<AssetId> ids = readyAssets(tag, 2);
		rule("Delete sources", RuleAction.DELETE_SOURCE, tag, 1, null, null);
		clock.set(clock.instant().plus(Duration.ofDays(2)));
		assertThat(stepsFor(lifecycle.plan(), ids)).hasSize(2);

		CountDownLatch firstHoldsTheLock = new CountDownLatch(1);
		CountDownLatch secondTried = new CountDownLatch(1);
		CompletableFuture<Optional<RunView>> first = CompletableFuture.supplyAsync(() -> lifecycle.run("MANUAL", "one",
				step -> await(secondTried), started -> firstHoldsTheLock.countDown()));
		assertThat(firstHoldsTheLock.await(30, TimeUnit.SECONDS)).isTrue();
		Optional<RunView> second = lifecycle.run("SCHEDULED", null, step -> {
		});
		secondTried.countDown();
		assertThat(second).as("the second run found the lock taken").isEmpty();
		assertThat(first.get(60, TimeUnit.SECONDS)).isPresent().get().extracting(RunView::state).isEqualTo("DONE");
		assertThat(run().assets()).as("a run after it finds nothing left").isZero();
		for (AssetId id : ids) {
			assertThat(lifecycle.trail(id)).extracting(AssetAuditLine::of).containsExactly("Delete source DONE");
		}
		assertStorageAgrees(ids);
	}

	@Test
	void aSourceThatLeftStorageBeforeTheDatabaseKnewIsRecordedAsDeleted() throws IOException {
		String tag = tag();
		AssetId id = readyAssets(tag, 1).getFirst();
		rule("Delete sources", RuleAction.DELETE_SOURCE, tag, 1, null, null);
		// an instance died after S3 deleted the source and before its transaction committed
		storage.deleteAll(List.of("sources/" + id + "/source"));
		assertThat(assets.find(id).orElseThrow().keeping().sourceDeletedAt()).isNull();
		clock.set(clock.instant().plus(Duration.ofDays(2)));
		assertThat(stepsFor(lifecycle.plan(), id)).singleElement()
			.satisfies(step -> assertThat(step.objects()).isZero());
		run();
		assertThat(assets.find(id).orElseThrow().keeping().sourceDeletedAt()).isNotNull();
		assertThat(stepsFor(lifecycle.plan(), id)).isEmpty();
		assertStorageAgrees(List.of(id));
	}

	@Test
	void unfinishedUploadsAreAbortedAfterTheirHours() throws IOException {
		Path clip = Media.clip(tools.ffmpegPath(), dir, 320, 180, 1, false);
		JsonNode open = client.start(clip, "video/mp4", "Never finished");
		client.putPart(clip, open, 1);
		String orphanKey = "sources/" + UUID.randomUUID() + "/source";
		String orphan = storage.startMultipartUpload(orphanKey, "video/mp4");
		// an abort rule applies to every upload: open ones other tests left are aborted too, which they no longer need
		var created = client.post("/api/admin/retention/rules", Map.of("name", "Abort stale uploads", "action",
				"ABORT_UPLOADS", "scope", "ALL", "after", 24, "priority", 10, "enabled", true));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		Instant started = clock.instant();
		String assetId = open.get("assetId").asString();

		clock.set(started.plus(Duration.ofHours(23)));
		assertThat(lifecycle.plan().steps()).noneMatch(s -> s.kind() == StepKind.ABORT_UPLOAD
				&& (s.subject().equals(orphanKey) || assetId.equals(String.valueOf(s.asset()))));
		clock.set(started.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(5)));
		List<Plan.Step> aborts = lifecycle.plan()
			.steps()
			.stream()
			.filter(s -> s.kind() == StepKind.ABORT_UPLOAD
					&& (s.subject().equals(orphanKey) || assetId.equals(String.valueOf(s.asset()))))
			.toList();
		assertThat(aborts).hasSize(2);
		assertThat(aborts).anySatisfy(s -> assertThat(s.bytes()).isEqualTo(Files.size(clip)));
		run();
		assertThat(storage.openMultipartUploads("sources/"))
			.noneMatch(u -> u.uploadId().equals(orphan) || u.key().contains(assetId));
		JsonNode upload = client.get("/api/uploads/" + open.get("uploadId").asString()).json();
		assertThat(upload.get("state").asString()).isEqualTo("EXPIRED");
		JsonNode asset = client.asset(assetId);
		assertThat(asset.get("status").asString()).isEqualTo("FAILED");
		assertThat(asset.get("statusReason").asString()).contains("Abort stale uploads");
	}

	@Test
	void theDryRunLeavesAHeldAssetsUnfinishedUploadAloneAsTheRunDoes() {
		JsonNode open = client.post("/api/uploads", Map.of("filename", "held.mp4", "size", 1000, "contentType",
				"video/mp4")).json();
		String assetId = open.get("assetId").asString();
		assertThat(client.send("PUT", "/api/admin/retention/holds/" + assetId, Map.of("reason", "Litigation")).status())
			.isEqualTo(204);
		var created = client.post("/api/admin/retention/rules", Map.of("name", "Abort stale uploads", "action",
				"ABORT_UPLOADS", "scope", "ALL", "after", 24, "priority", 10, "enabled", true));
		assertThat(created.status()).as(created.body()).isEqualTo(201);
		clock.set(clock.instant().plus(Duration.ofHours(25)));
		try {
			Plan held = lifecycle.plan();
			assertThat(held.steps()).noneMatch(s -> assetId.equals(String.valueOf(s.asset())));
			client.delete("/api/admin/retention/holds/" + assetId);
			Plan released = lifecycle.plan();
			assertThat(released.steps()).anyMatch(s -> s.kind() == StepKind.ABORT_UPLOAD
					&& assetId.equals(String.valueOf(s.asset())));
			assertThat(held.held()).as("counted among what was left alone").isEqualTo(released.held() + 1);

			client.send("PUT", "/api/admin/retention/holds/" + assetId, Map.of("reason", "Litigation"));
			run();
			assertThat(client.get("/api/uploads/" + open.get("uploadId").asString()).json().get("state").asString())
				.isEqualTo("ACTIVE");
		}
		finally {
			client.delete("/api/admin/retention/holds/" + assetId);
			client.delete("/api/uploads/" + open.get("uploadId").asString());
		}
	}

	@Test
	void aRuleOfTheWrongTypesIsRefusedNamingTheFieldAndWhatItTakes() {
		String rule = "{\"name\":\"Typed\",\"action\":%s,\"scope\":\"ALL\",\"after\":%s,\"priority\":10,\"enabled\":true}";
		Map<String, String[]> cases = new java.util.LinkedHashMap<>();
		cases.put(rule.formatted("\"DELETE_SOURCE\"", "1.5"), new String[] { "after", "whole number" });
		cases.put(rule.formatted("\"DELETE_SOURCE\"", "\"ten\""), new String[] { "after", "whole number" });
		cases.put(rule.formatted("\"DELETE_SOURCE\"", "99999999999"), new String[] { "after", "whole number" });
		cases.put(rule.formatted("\"NUKE\"", "10"), new String[] { "action", "DELETE_SOURCE", "ABORT_UPLOADS" });
		cases.put("{\"name\": \"Broken\", \"after\": ", new String[] { "not valid JSON" });
		for (var entry : cases.entrySet()) {
			KeyframeClient.Response refused = client.postJson("/api/admin/retention/rules", entry.getKey());
			assertThat(refused.status()).as(entry.getKey()).isEqualTo(400);
			assertThat(refused.json().get("detail").asString()).as(entry.getKey()).contains(entry.getValue());
			if (!entry.getValue()[0].contains(" ")) {
				assertThat(refused.json().get("field").asString()).as(entry.getKey()).isEqualTo(entry.getValue()[0]);
			}
		}
		for (int hours : new int[] { -1, 0 }) {
			var abort = client.post("/api/admin/retention/rules", Map.of("name", "Abort", "action", "ABORT_UPLOADS",
					"scope", "ALL", "after", hours, "priority", 10, "enabled", true));
			assertThat(abort.status()).isEqualTo(400);
			assertThat(abort.json().get("detail").asString()).as(hours + " hours").contains("1 to 87600");
		}
		assertThat(lifecycle.rules()).isEmpty();
	}

	@Test
	void anExpiredAssetDeletedByHandKeepsItsRowAsTheRecord() {
		AssetId id = assets.create(new NewAsset("Expired by hand", "clip.mp4", "video/mp4", 1000));
		assets.failed(id, "Never uploaded.");
		assertThat(retention.expire(id, "Expired by a test.").done()).isTrue();

		KeyframeClient.Response refused = client.delete("/api/assets/" + id);
		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.json().get("detail").asString()).contains("record");
		assertThat(assets.find(id)).get().extracting(AssetView::status).isEqualTo(AssetStatus.REMOVED);
	}

	@Test
	void aRuleThatMakesNoSenseIsRefusedAndAPreviewSavesNothing() {
		var bad = client.post("/api/admin/retention/rules", Map.of("name", "Cold", "action", "MOVE_SOURCE", "scope",
				"ALL", "after", 30, "storageClass", "STANDARD", "priority", 10, "enabled", true));
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.json().get("detail").asString()).contains("GLACIER_IR");
		var noTag = client.post("/api/admin/retention/rules", Map.of("name", "Tagged", "action", "DELETE_SOURCE",
				"scope", "TAG", "after", 30, "priority", 10, "enabled", true));
		assertThat(noTag.status()).isEqualTo(400);
		var preview = client.post("/api/admin/retention/preview", Map.of("name", "Everything", "action",
				"EXPIRE_AFTER_CREATED", "scope", "TAG", "tag", tag(), "after", 0, "priority", 1, "enabled", true));
		assertThat(preview.status()).as(preview.body()).isEqualTo(200);
		assertThat(preview.json().get("steps").isArray()).isTrue();
		assertThat(lifecycle.rules()).isEmpty();
		assertThat(new KeyframeClient(port, "").get("/api/admin/retention/rules").status()).isEqualTo(401);
	}

	@Test
	void aLargeSourceMovesWithAMultipartCopyAndKeepsItsBytes() throws Exception {
		byte[] content = new byte[11 * 1024 * 1024 + 17];
		new java.util.Random(5).nextBytes(content);
		String key = "sources/" + UUID.randomUUID() + "/source";
		storage.put(key, content, "video/mp4", "private");
		storage.changeStorageClass(key, "STANDARD_IA", 5L * 1024 * 1024);
		var info = storage.head(key).orElseThrow();
		assertThat(info.size()).isEqualTo(content.length);
		assertThat(info.contentType()).isEqualTo("video/mp4");
		assertThat(info.cacheControl()).isEqualTo("private");
		assertThat(sha256(readBytes(key))).isEqualTo(sha256(content));
		assertThat(storage.openMultipartUploads(key)).isEmpty();
		storage.deleteAll(List.of(key));
	}

	// helpers

	private RunView run() {
		return lifecycle.run("MANUAL", "tests", step -> {
		}).orElseThrow();
	}

	private void rule(String name, RuleAction action, String tag, int days, String storageClass, Integer maxHeight) {
		lifecycle.create(new RuleForm(name, action, RuleScope.TAG, tag, days, storageClass, maxHeight, 10, true),
				"tests");
	}

	private List<AssetId> readyAssets(String tag, int count) throws IOException {
		Path clip = Media.clip(tools.ffmpegPath(), dir, 640, 360, 2, true);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(client.upload(clip, "video/mp4", tag + " " + i).get("assetId").asString());
		}
		List<AssetId> ready = new ArrayList<>();
		for (String id : ids) {
			// the poster is extracted after the renditions: wait for it, so snapshots of the objects hold still
			client.awaitAsset(id, ENCODE, status("READY").and(a -> !a.get("posterUrl").isNull()));
			var tagged = client.send("PATCH", "/api/assets/" + id, Map.of("tags", List.of(tag)));
			assertThat(tagged.status()).as(tagged.body()).isEqualTo(200);
			assertThat(tagged.json().get("keeping").get("tags").get(0).asString()).isEqualTo(tag);
			ready.add(AssetId.of(id));
		}
		return ready;
	}

	private static List<Plan.Step> stepsFor(Plan plan, AssetId id) {
		return stepsFor(plan, List.of(id));
	}

	private static List<Plan.Step> stepsFor(Plan plan, List<AssetId> ids) {
		return plan.steps().stream().filter(s -> s.asset() != null && ids.contains(s.asset())).toList();
	}

	private static List<String> lines(List<Plan.Step> steps) {
		return steps.stream()
			.map(s -> s.asset() + " " + s.kind().label() + " " + s.objects() + " " + s.bytes())
			.toList();
	}

	private List<Listed> objectsOf(AssetId id) {
		List<Listed> all = new ArrayList<>(storage.list("media/" + id + "/"));
		all.addAll(storage.list("sources/" + id + "/"));
		return all;
	}

	/** No object without a row that accounts for it, and no row pointing at a missing object. */
	private void assertStorageAgrees(List<AssetId> ids) {
		for (AssetId id : ids) {
			AssetView asset = assets.find(id).orElseThrow();
			List<Listed> sources = storage.list("sources/" + id + "/");
			if (asset.keeping().sourceDeletedAt() == null) {
				assertThat(sources).extracting(Listed::key).containsExactly("sources/" + id + "/source");
			}
			else {
				assertThat(sources).isEmpty();
			}
			Set<String> profiles = assets.renditions(id).stream().map(RenditionSpec::profile).collect(Collectors.toSet());
			for (RenditionSpec rendition : assets.renditions(id)) {
				assertThat(storage.head(rendition.playlistKey())).as(rendition.playlistKey()).isPresent();
				assertThat(storage.list("media/" + id + "/" + rendition.profile() + "/").stream()
					.filter(o -> o.key().endsWith(".m4s") || o.key().endsWith(".ts") || o.key().endsWith(".mp4")))
					.as("segments of " + rendition.profile())
					.hasSizeGreaterThanOrEqualTo(rendition.segmentCount());
			}
			for (Listed object : storage.list("media/" + id + "/")) {
				String rest = object.key().substring(("media/" + id + "/").length());
				if (rest.contains("/")) {
					assertThat(profiles).as(object.key() + " belongs to a rendition").contains(rest.substring(0, rest.indexOf('/')));
				}
				else {
					assertThat(profiles).as(object.key() + " of an asset with renditions").isNotEmpty();
				}
			}
			Integer rows = jdbc.queryForObject("select count(*) from rendition where asset_id = ?", Integer.class, id.value());
			assertThat(rows).isEqualTo(profiles.size());
		}
	}

	private String read(String key) throws IOException {
		return new String(readBytes(key), java.nio.charset.StandardCharsets.UTF_8);
	}

	private byte[] readBytes(String key) throws IOException {
		try (var in = storage.open(key, null).orElseThrow()) {
			return in.readAllBytes();
		}
	}

	private static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

	private static String tag() {
		return "rt-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Stands for the instance dying mid-run: not an exception the run catches and records. */
	static final class Killed extends Error {

		Killed() {
			super("killed", null, false, false);
		}

	}

	private record AssetAuditLine() {

		static String of(dev.keyframe.catalog.AssetAudit.Line line) {
			return line.action() + " " + line.outcome();
		}

	}

}
