package dev.keyframe.platform.internal;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.keyframe.platform.QueueSettings;
import dev.keyframe.platform.StorageSettings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS SDK clients. Endpoints and static credentials are only set when configured (the local stand-ins set
 * them); otherwise the SDK's defaults reach AWS.
 */
@Configuration(proxyBeanMethods = false)
class AwsClients {

	@Bean(destroyMethod = "close")
	S3Client s3Client(StorageSettings settings) {
		var builder = S3Client.builder()
			.region(Region.of(settings.region()))
			.credentialsProvider(credentials(settings.accessKey(), settings.secretKey()))
			.httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
			.serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build())
			// checksums only where S3 requires them: segments are written once, read back by nobody here
			.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
			.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
		if (settings.endpoint() != null) {
			builder.endpointOverride(settings.endpoint());
		}
		return builder.build();
	}

	@Bean(destroyMethod = "close")
	S3Presigner s3Presigner(StorageSettings settings) {
		URI endpoint = settings.publicEndpoint() != null ? settings.publicEndpoint() : settings.endpoint();
		var builder = S3Presigner.builder()
			.region(Region.of(settings.region()))
			.credentialsProvider(credentials(settings.accessKey(), settings.secretKey()))
			.serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
		if (endpoint != null) {
			builder.endpointOverride(endpoint);
		}
		return builder.build();
	}

	@Bean(destroyMethod = "close")
	SqsClient sqsClient(QueueSettings settings) {
		var builder = SqsClient.builder()
			.region(Region.of(settings.region()))
			.credentialsProvider(credentials(settings.accessKey(), settings.secretKey()))
			.httpClientBuilder(ApacheHttpClient.builder().maxConnections(32));
		if (settings.endpoint() != null) {
			builder.endpointOverride(settings.endpoint());
		}
		return builder.build();
	}

	private static AwsCredentialsProvider credentials(@Nullable String accessKey, @Nullable String secretKey) {
		if (accessKey != null && secretKey != null) {
			return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
		}
		return DefaultCredentialsProvider.builder().build();
	}

}
