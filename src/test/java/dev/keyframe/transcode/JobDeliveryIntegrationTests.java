package dev.keyframe.transcode;

import static dev.keyframe.support.KeyframeClient.status;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.keyframe.KeyframeIntegrationTest;
import dev.keyframe.platform.JobQueue;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.support.KeyframeClient;
import dev.keyframe.support.FleetInstance;
import dev.keyframe.support.Media;
import dev.keyframe.transcode.internal.JobLifecycle;
import dev.keyframe.transcode.internal.JobMessage;
import dev.keyframe.transcode.internal.TranscodeJob;
import dev.keyframe.transcode.internal.TranscodeJobs;
import dev.keyframe.transcode.worker.Workers;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

/**
 * At-least-once delivery meets idempotent jobs: duplicate and concurrent messages, a worker that dies holding a
 * job, and a message that is not a job at all.
 */
@KeyframeIntegrationTest
class JobDeliveryIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	MediaTools tools;

	@Autowired
	dev.keyframe.identity.Accounts accounts;

	@Autowired
	Workers workers;

	@Autowired
	JobQueue queue;

	@Autowired
	JobLifecycle lifecycle;

	@Autowired
	TranscodeJobs jobs;

	@Autowired
	MeterRegistry meters;

	@Autowired
	org.springframework.core.env.ConfigurableEnvironment env;

	@Autowired
	org.springframework.jdbc.core.simple.JdbcClient jdbc;

	@TempDir
	Path dir;

	KeyframeClient client;

	@BeforeEach
	void setUp() {
		client = KeyframeClient.admin(port, accounts);
		workers.stop();
		drainQueue();
	}

	@AfterEach
	void restartWorkers() {
		workers.start();
	}

	@Test
	void theSameJobMessageDeliveredAgainAndTwiceAtOnceYieldsOneEncode() throws IOException {
		String id = uploadWithWorkersStopped();
		List<TranscodeJob> planned = jobs.findByAssetIdOrderByShortSideDescProfileAsc(UUID.fromString(id));
		assertThat(planned).as("360p, 240p and the audio").hasSize(3);
		// every job now has its outbox message plus two duplicates, sent at the same moment
		CompletableFuture.allOf(planned.stream()
			.flatMap(job -> java.util.stream.Stream.of(job, job))
			.map(job -> CompletableFuture.runAsync(() -> queue.send(JobMessage.body(job.id()), Duration.ZERO)))
			.toArray(CompletableFuture[]::new)).join();
		double encodesBefore = encodes();

		workers.start();
		client.awaitAsset(id, Duration.ofSeconds(120), status("READY"));
		awaitQueueEmpty();

		assertThat(encodes() - encodesBefore).as("one ffmpeg run per encode group: 240p with the audio, 360p")
			.isEqualTo(2);
		jobs.findByAssetIdOrderByShortSideDescProfileAsc(UUID.fromString(id))
			.forEach(job -> assertThat(job.attempts()).as(job.profile()).isEqualTo(1));

		// a late duplicate for a job that is done starts nothing
		queue.send(JobMessage.body(planned.get(0).id()), Duration.ZERO);
		awaitQueueEmpty();
		assertThat(encodes() - encodesBefore).isEqualTo(2);
		assertThat(jobs.findById(planned.get(0).id()).orElseThrow().attempts()).isEqualTo(1);
	}

	@Test
	void aJobWhoseWorkerDiedIsTakenOverWhenItsMessageReappears() throws IOException {
		String id = uploadWithWorkersStopped();
		// a worker receives a job's message, claims the job, and dies without a heartbeat
		JobQueue.Received taken = Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> queue.receive(1, Duration.ofSeconds(1), Duration.ofSeconds(6)), m -> !m.isEmpty())
			.get(0);
		JobLifecycle.Claim claim = lifecycle.claim(JobMessage.parse(taken.body()).orElseThrow(), "worker-that-dies");
		assertThat(claim.outcome()).isEqualTo(JobLifecycle.Claim.Outcome.CLAIMED);
		// the message's own job, or (a background job's message) the asset's most urgent one, which it carries
		UUID jobId = claim.jobs().getFirst().id();
		assertThat(jobs.findById(jobId).orElseThrow().state()).isEqualTo(JobState.RUNNING);

		workers.start();
		JsonNode asset = client.awaitAsset(id, Duration.ofSeconds(120), status("READY"));

		TranscodeJob takenOver = jobs.findById(jobId).orElseThrow();
		assertThat(takenOver.state()).isEqualTo(JobState.DONE);
		assertThat(takenOver.attempts()).as("the dead worker's attempt and the one that finished").isEqualTo(2);
		assertThat(asset.get("renditions")).hasSize(3);
	}

	@Test
	void aJobWhoseWorkerDiedJustBeforeItsHeartbeatIsTakenOverAsSoonAsItsMessageReappears() throws Exception {
		uploadWithWorkersStopped();
		JobQueue.Received taken = Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> queue.receive(1, Duration.ofSeconds(1), Duration.ofSeconds(6)), m -> !m.isEmpty())
			.get(0);
		long received = System.nanoTime();
		JobLifecycle.Claim claim = lifecycle.claim(JobMessage.parse(taken.body()).orElseThrow(), "worker-that-dies");
		assertThat(claim.outcome()).isEqualTo(JobLifecycle.Claim.Outcome.CLAIMED);
		List<UUID> held = claim.jobs().stream().map(TranscodeJob::id).toList();
		// the message's own job, or (when the message is a later group's) the group it carries first: whichever
		// message reappears, its claim takes the dead worker's group over before anything else
		UUID jobId = held.getFirst();
		// it renews its lease as the heartbeat does, and dies just before extending the message (heartbeat 2 s)
		while (System.nanoTime() - received < Duration.ofMillis(1900).toNanos()) {
			lifecycle.renew(held, "worker-that-dies", 0);
			Thread.sleep(300);
		}
		lifecycle.renew(held, "worker-that-dies", 0);

		workers.start();
		// the message reappears 6 s after it was received; the lease must be over by then
		Awaitility.await()
			.atMost(Duration.ofSeconds(9).minusNanos(System.nanoTime() - received))
			.until(() -> jobs.findById(jobId).orElseThrow().attempts(), attempts -> attempts == 2);
	}

	@Test
	void failedJobsCanBeRetriedThroughTheApiUntilTheAssetIsReady() throws IOException {
		String id = uploadWithWorkersStopped(false); // no audio: the lowest rung is a group of its own
		TranscodeJob lowest = jobs.findByAssetIdOrderByShortSideDescProfileAsc(UUID.fromString(id)).get(1);
		// the lowest rung used up its attempts
		for (int attempt = 0; attempt < 3; attempt++) {
			assertThat(lifecycle.claim(lowest.id(), "unlucky-worker").outcome()).isEqualTo(JobLifecycle.Claim.Outcome.CLAIMED);
			lifecycle.finished(new dev.keyframe.catalog.AssetId(UUID.fromString(id)),
					List.of(JobLifecycle.JobResult.failed(jobs.findById(lowest.id()).orElseThrow(), "ffmpeg failed: disk full", true)),
					"unlucky-worker", Duration.ofSeconds(1), 0.017);
		}
		assertThat(jobs.findById(lowest.id()).orElseThrow().state()).isEqualTo(JobState.FAILED);

		workers.start();
		JsonNode partial = client.awaitAsset(id, Duration.ofSeconds(120),
				a -> a.get("status").asString().equals("PLAYABLE") && a.get("renditions").size() == 1
						&& a.get("statusReason").isString());
		assertThat(partial.get("statusReason").asString()).contains("1 of 2 encode jobs failed", "disk full");

		KeyframeClient.Response retried = client.post("/api/assets/" + id + "/retry", java.util.Map.of());
		assertThat(retried.status()).isEqualTo(202);
		assertThat(retried.json().get("retried").asInt()).isEqualTo(1);
		JsonNode ready = client.awaitAsset(id, Duration.ofSeconds(120), status("READY"));
		assertThat(ready.get("renditions")).hasSize(2);
	}

	/**
	 * Two worker instances (OS processes of this application) share the queue; one is killed with kill -9 while it
	 * encodes: its ffmpeg dies with it, the other instance takes its job over when the message reappears, every
	 * asset gets ready, and nothing is encoded twice.
	 */
	@Test
	void workerInstancesShareTheQueueAndAKilledOnesJobIsFinishedByTheOther() throws Exception {
		workers.stop(); // only the two worker instances take jobs in this test
		// a slower preset than the tests' ultrafast, so an 8 s chunk takes long enough to be killed mid-encode
		java.util.Map<String, String> slower = java.util.Map.of("keyframe.transcode.preset", "medium");
		try (FleetInstance first = FleetInstance.start(env, "worker-a", "worker", slower, dir.resolve("fleet"));
				FleetInstance second = FleetInstance.start(env, "worker-b", "worker", slower, dir.resolve("fleet"))) {
			first.awaitStarted();
			second.awaitStarted();
			List<String> assets = new java.util.ArrayList<>();
			assets.add(client.upload(Media.clip(tools.ffmpegPath(), dir, 1280, 720, 24, true), "video/mp4", "Long").get("assetId").asString());
			Path shortClip = Media.clip(tools.ffmpegPath(), dir, 640, 360, 4, true);
			for (int i = 0; i < 3; i++) {
				assets.add(client.upload(shortClip, "video/mp4", "Short " + i).get("assetId").asString());
			}
			java.util.Set<String> owners = java.util.concurrent.ConcurrentHashMap.newKeySet();
			// a job of the long asset running on one of the two: that one is the victim
			String[] running = Awaitility.await()
				.atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> {
					owners.addAll(runningOwners());
					return jdbc.sql("select id::text, lease_owner from transcode_job where asset_id = ?::uuid "
							+ "and state = 'RUNNING' and lease_owner is not null")
						.param(assets.getFirst())
						.query((rs, n) -> new String[] { rs.getString(1), rs.getString(2) })
						.list()
						.stream()
						.findFirst()
						.orElse(null);
				}, java.util.Objects::nonNull);
			FleetInstance victim = running[1].contains("/" + first.pid() + "/") ? first : second;
			FleetInstance survivor = victim == first ? second : first;
			assertThat(running[1]).contains("/" + victim.pid() + "/");
			List<ProcessHandle> encoders = Awaitility.await()
				.atMost(Duration.ofSeconds(20))
				.pollInterval(Duration.ofMillis(20))
				.until(victim::descendants, d -> !d.isEmpty());

			victim.kill();
			// everything it held at the kill: two job slots, and an encode group makes several rungs in one ffmpeg
			java.util.Map<UUID, Integer> held = new java.util.HashMap<>();
			jdbc.sql("select id, attempts from transcode_job where state = 'RUNNING' and lease_owner like ?")
				.param("%/" + victim.pid() + "/%")
				.query((rs, n) -> held.put(UUID.fromString(rs.getString(1)), rs.getInt(2)))
				.list();
			// chunks are short: the job seen running may have ended before the kill, but the instance held another
			assertThat(held).as("the jobs the killed instance held").isNotEmpty();
			String takenOver = held.containsKey(UUID.fromString(running[0])) ? running[0]
					: held.keySet().iterator().next().toString();
			Awaitility.await("the killed instance's ffmpeg dies with it")
				.atMost(Duration.ofSeconds(10))
				.until(() -> encoders.stream().noneMatch(ProcessHandle::isAlive));

			Awaitility.await("the other instance takes the job over")
				.atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> {
					owners.addAll(runningOwners());
					// running there, or already done (this JVM's workers are stopped, the victim is dead)
					return jdbc.sql("select coalesce(lease_owner, '') || ' ' || state from transcode_job where id = ?::uuid")
						.param(takenOver)
						.query(String.class)
						.optional()
						.filter(owner -> owner.contains("/" + survivor.pid() + "/") || owner.endsWith(" DONE"))
						.isPresent();
				});
			for (String asset : assets) {
				client.awaitAsset(asset, Duration.ofSeconds(240), status("READY"));
			}
			for (String asset : assets) {
				jobs.findByAssetIdOrderByShortSideDescProfileAsc(UUID.fromString(asset)).forEach(job -> {
					assertThat(job.state()).isEqualTo(JobState.DONE);
					assertThat(job.attempts()).as(held.containsKey(job.id())
							? "killed once, finished by the other: " + job.profile() : "encoded once: " + job.profile())
						.isEqualTo(held.getOrDefault(job.id(), 0) + 1);
				});
			}
			assertThat(owners).as("both instances took jobs from the one queue")
				.anyMatch(o -> o.contains("/" + first.pid() + "/"))
				.anyMatch(o -> o.contains("/" + second.pid() + "/"));

			assertThat(survivor.stop(Duration.ofSeconds(60))).as("a worker instance stops when asked").isTrue();
		}
	}

	private List<String> runningOwners() {
		return jdbc.sql("select lease_owner from transcode_job where state = 'RUNNING' and lease_owner is not null")
			.query(String.class)
			.list();
	}

	@Test
	void aStoppingWorkerPoolTakesNoNewJobAndGivesItsMessageBackAtOnce() throws Exception {
		String id = uploadWithWorkersStopped();
		drainQueue();
		TranscodeJob job = jobs.findByAssetIdOrderByShortSideDescProfileAsc(UUID.fromString(id)).get(0);
		double encodesBefore = encodes();
		workers.start();
		Thread.sleep(1500); // every worker is in a long poll on the empty queue

		// the job's message arrives just after the stop began, while the workers still poll
		CompletableFuture<Void> stopping = CompletableFuture.runAsync(workers::stop);
		Thread.sleep(100);
		queue.send(JobMessage.body(job.id()), Duration.ZERO);
		stopping.get(60, java.util.concurrent.TimeUnit.SECONDS);

		assertThat(encodes() - encodesBefore).as("encodes started while stopping").isZero();
		TranscodeJob after = jobs.findById(job.id()).orElseThrow();
		assertThat(after.state()).isEqualTo(JobState.PENDING);
		assertThat(after.attempts()).isZero();
		// visible again at once, not after its visibility timeout
		List<JobQueue.Received> back = queue.receive(1, Duration.ofSeconds(1), Duration.ofSeconds(1));
		assertThat(back).extracting(JobQueue.Received::body).containsExactly(JobMessage.body(job.id()));
	}

	@Test
	void aPoisonMessageEndsInTheDeadLetterQueue() {
		workers.start();
		long deadBefore = queue.deadLetterDepth().orElseThrow();

		queue.send("this is not a job message", Duration.ZERO);

		Awaitility.await()
			.atMost(Duration.ofSeconds(60))
			.until(() -> queue.deadLetterDepth().orElseThrow(), dead -> dead == deadBefore + 1);
		assertThat(meters.counter("keyframe.transcode.poison.messages").count()).isPositive();
	}

	private String uploadWithWorkersStopped() throws IOException {
		return uploadWithWorkersStopped(true);
	}

	private String uploadWithWorkersStopped(boolean audio) throws IOException {
		Path clip = Media.clip(tools.ffmpegPath(), dir, 640, 360, 6, audio);
		String id = client.upload(clip, "video/mp4", "Delivery").get("assetId").asString();
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> queue.counts().waiting(), depth -> depth >= 2);
		return id;
	}

	private double encodes() {
		return meters.counter("keyframe.transcode.encodes").count();
	}

	private void awaitQueueEmpty() {
		Awaitility.await()
			.atMost(Duration.ofSeconds(60))
			.until(() -> queue.counts().total(), remaining -> remaining == 0);
	}

	private void drainQueue() {
		List<JobQueue.Received> received;
		do {
			received = queue.receive(10, Duration.ZERO, Duration.ofSeconds(30));
			received.forEach(m -> queue.delete(m.receiptHandle()));
		}
		while (!received.isEmpty());
	}

}
