package dev.keyframe.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The stand-ins themselves, started on a fresh data directory and free ports, without the application. */
class LocalStackTests {

	@TempDir
	Path data;

	@Test
	void keepsQueuedAndInFlightMessagesAcrossARestart() {
		String inFlight;
		try (LocalStack stack = new LocalStack(Supplier::get)) {
			ConfigurableEnvironment env = start(stack, data);
			try (SqsClient sqs = sqs(env)) {
				String url = env.getProperty("keyframe.queue.url");
				sqs.sendMessage(b -> b.queueUrl(url).messageBody("received before the restart"));
				inFlight = receive(sqs, url, 10).get(0).body();
				sqs.sendMessage(b -> b.queueUrl(url).messageBody("queued before the restart"));
			}
		}
		assertThat(inFlight).isEqualTo("received before the restart");
		try (LocalStack stack = new LocalStack(Supplier::get)) {
			ConfigurableEnvironment env = start(stack, data);
			try (SqsClient sqs = sqs(env)) {
				String url = env.getProperty("keyframe.queue.url");
				assertThat(receive(sqs, url, 30)).extracting(Message::body).containsExactly("queued before the restart");
				// hidden until its visibility timeout ends, then delivered again, counted as the second receive
				List<Message> again = sqs
					.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(20).messageSystemAttributeNamesWithStrings("All"))
					.messages();
				assertThat(again).extracting(Message::body).containsExactly("received before the restart");
				assertThat(again.get(0).attributesAsStrings()).containsEntry("ApproximateReceiveCount", "2");
				String redrive = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNamesWithStrings("RedrivePolicy"))
					.attributesAsStrings()
					.get("RedrivePolicy");
				assertThat(redrive).contains("keyframe-jobs-dead").contains("\"maxReceiveCount\":5");
			}
		}
	}

	@Test
	void postgresKeepsWhatItAcknowledged() throws SQLException {
		try (LocalStack stack = new LocalStack(Supplier::get)) {
			ConfigurableEnvironment env = start(stack, data);
			try (Connection db = DriverManager.getConnection(env.getProperty("spring.datasource.url"), "postgres",
					"postgres")) {
				assertThat(show(db, "fsync")).isEqualTo("on");
				assertThat(show(db, "synchronous_commit")).isEqualTo("on");
				assertThat(show(db, "full_page_writes")).isEqualTo("on");
			}
		}
	}

	@Test
	void refusesAPortAnotherCheckoutsPostgresHolds(@TempDir Path other) throws Exception {
		int port;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		try (LocalStack first = new LocalStack(Supplier::get)) {
			start(first, other, Map.of("keyframe.local.postgres-port", String.valueOf(port)));
			try (LocalStack second = new LocalStack(Supplier::get)) {
				assertThatThrownBy(() -> start(second, data, Map.of("keyframe.local.postgres-port", String.valueOf(port))))
					.hasMessageContaining("Port " + port + " is in use")
					.hasMessageContaining(other.resolve("postgres").toString());
			}
		}
	}

	@Test
	void aKilledStacksPostgresStopsWithinSecondsAndItsQueuedMessageIsThereAfterTheNextStart() throws Exception {
		String java = ProcessHandle.current().info().command().orElseThrow();
		Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Stack.class.getName(),
				data.toString())
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		Optional<ProcessHandle> postgres = Optional.empty();
		try {
			String ready = child.inputReader()
				.lines()
				.filter(line -> line.startsWith("ready "))
				.findFirst()
				.orElseThrow(() -> new AssertionError("the child's local stack did not start"));
			String[] parts = ready.split(" ");
			try (SqsClient sqs = sqs(parts[1])) {
				sqs.sendMessage(b -> b.queueUrl(parts[2]).messageBody("sent just before a kill -9"));
			}
			long pid = Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).strip());
			postgres = ProcessHandle.of(pid);
			assertThat(postgres).isPresent();

			child.destroyForcibly(); // SIGKILL: no shutdown hook, no context close
			long killed = System.nanoTime();
			while (postgres.get().isAlive() && System.nanoTime() - killed < Duration.ofSeconds(15).toNanos()) {
				Thread.sleep(20);
			}
			long gone = Duration.ofNanos(System.nanoTime() - killed).toMillis();
			System.out.println("PostgreSQL gone " + gone + " ms after its JVM was killed");
			assertThat(gone).isLessThan(5_000);
		}
		finally {
			child.destroyForcibly();
			if (postgres.isPresent() && postgres.get().isAlive()) {
				new ProcessBuilder("kill", "-INT", String.valueOf(postgres.get().pid())).start().waitFor();
			}
		}
		try (LocalStack stack = new LocalStack(Supplier::get)) {
			ConfigurableEnvironment env = start(stack, data);
			try (SqsClient sqs = sqs(env)) {
				assertThat(receive(sqs, env.getProperty("keyframe.queue.url"), 30)).extracting(Message::body)
					.containsExactly("sent just before a kill -9");
			}
		}
	}

	/** The local stack alone in a JVM of its own, to be killed: prints {@code ready <sqs endpoint> <queue url>}. */
	public static final class Stack {

		public static void main(String[] args) throws InterruptedException {
			LocalStack stack = new LocalStack(Supplier::get);
			ConfigurableEnvironment env = start(stack, Path.of(args[0]));
			System.out.println("ready " + env.getProperty("keyframe.queue.endpoint") + " " + env.getProperty("keyframe.queue.url"));
			System.out.flush();
			Thread.sleep(Long.MAX_VALUE);
		}

	}

	static ConfigurableEnvironment start(LocalStack stack, Path data) {
		return start(stack, data, Map.of());
	}

	static ConfigurableEnvironment start(LocalStack stack, Path data, Map<String, String> more) {
		Map<String, Object> settings = new java.util.HashMap<>(Map.of("keyframe.local.enabled", "true",
				"keyframe.local.data-dir", data.toString(), "keyframe.local.postgres-port", "0", "keyframe.local.s3-port",
				"0", "keyframe.local.sqs-port", "0", "keyframe.local.edge-port", "0"));
		settings.putAll(more);
		StandardEnvironment env = new StandardEnvironment();
		env.getPropertySources().addFirst(new MapPropertySource("test", settings));
		stack.postProcessEnvironment(env, new SpringApplication());
		// the servers start in the background: as in a context, each one's settings wait for it, or say why not
		List.of("spring.datasource.url", "keyframe.storage.endpoint", "keyframe.queue.url").forEach(env::getProperty);
		return env;
	}

	private static List<Message> receive(SqsClient sqs, String url, int visibility) {
		return sqs.receiveMessage(b -> b.queueUrl(url).waitTimeSeconds(5).visibilityTimeout(visibility)).messages();
	}

	private static String show(Connection db, String setting) throws SQLException {
		try (ResultSet rs = db.createStatement().executeQuery("show " + setting)) {
			rs.next();
			return rs.getString(1);
		}
	}

	private static SqsClient sqs(ConfigurableEnvironment env) {
		return sqs(env.getProperty("keyframe.queue.endpoint"));
	}

	private static SqsClient sqs(String endpoint) {
		return SqsClient.builder()
			.region(Region.of(LocalStack.REGION))
			.endpointOverride(URI.create(endpoint))
			.credentialsProvider(StaticCredentialsProvider
				.create(AwsBasicCredentials.create(LocalStack.ACCESS_KEY, LocalStack.SECRET_KEY)))
			.build();
	}

}
