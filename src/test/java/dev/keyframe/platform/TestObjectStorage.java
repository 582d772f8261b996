package dev.keyframe.platform;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The app's bucket reached at another endpoint (a relay in front of the same server), for a test of another
 * module that needs storage a client of its own can lose.
 */
public final class TestObjectStorage implements AutoCloseable {

	private final S3Client s3;

	private final S3Presigner presigner;

	private final ObjectStorage storage;

	private TestObjectStorage(S3Client s3, S3Presigner presigner, StorageSettings settings) {
		this.s3 = s3;
		this.presigner = presigner;
		this.storage = new ObjectStorage(s3, presigner, settings);
	}

	/** The bucket of {@code settings}, at {@code endpoint} with the same credentials. */
	public static TestObjectStorage at(URI endpoint, StorageSettings settings) {
		var credentials = StaticCredentialsProvider
			.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
		var style = S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build();
		S3Client s3 = S3Client.builder()
			.region(Region.of(settings.region()))
			.credentialsProvider(credentials)
			.serviceConfiguration(style)
			.endpointOverride(endpoint)
			.build();
		S3Presigner presigner = S3Presigner.builder()
			.region(Region.of(settings.region()))
			.credentialsProvider(credentials)
			.serviceConfiguration(style)
			.endpointOverride(endpoint)
			.build();
		return new TestObjectStorage(s3, presigner, settings);
	}

	public ObjectStorage storage() {
		return storage;
	}

	@Override
	public void close() {
		presigner.close();
		s3.close();
	}

}
