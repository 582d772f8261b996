package dev.keyframe.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
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

	static ConfigurableEnvironment start(LocalStack stack, Path data) {
		StandardEnvironment env = new StandardEnvironment();
		env.getPropertySources()
			.addFirst(new MapPropertySource("test",
					Map.of("keyframe.local.enabled", "true", "keyframe.local.data-dir", data.toString(),
							"keyframe.local.postgres-port", "0", "keyframe.local.s3-port", "0", "keyframe.local.sqs-port",
							"0", "keyframe.local.edge-port", "0")));
		stack.postProcessEnvironment(env, new SpringApplication());
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
		return SqsClient.builder()
			.region(Region.of(LocalStack.REGION))
			.endpointOverride(URI.create(env.getProperty("keyframe.queue.endpoint")))
			.credentialsProvider(StaticCredentialsProvider
				.create(AwsBasicCredentials.create(LocalStack.ACCESS_KEY, LocalStack.SECRET_KEY)))
			.build();
	}

}
