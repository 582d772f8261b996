package dev.keyframe.ops.cdk;

import java.util.List;
import java.util.Map;

import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sqs.IQueue;

/**
 * The S3 and SQS statements each role is given, written out rather than taken from {@code grant*} helpers so that
 * every prefix and action is visible here, and no statement names {@code *} as its resource.
 */
final class Access {

	static final String SOURCES = "sources/";

	static final String MEDIA = "media/";

	private Access() {
	}

	/**
	 * Listing, only under the role's prefixes. {@code IfExists}: the health check's HeadBucket (every role) asks for
	 * ListBucket with no prefix at all.
	 */
	static PolicyStatement list(IBucket bucket, String... prefixes) {
		return PolicyStatement.Builder.create()
			.effect(Effect.ALLOW)
			.actions(List.of("s3:ListBucket", "s3:ListBucketMultipartUploads"))
			.resources(List.of(bucket.getBucketArn()))
			.conditions(Map.of("StringLikeIfExists",
					Map.of("s3:prefix", java.util.Arrays.stream(prefixes).map(p -> p + "*").toList())))
			.build();
	}

	/** Object actions under some prefixes. */
	static PolicyStatement objects(IBucket bucket, List<String> actions, String... prefixes) {
		return PolicyStatement.Builder.create()
			.effect(Effect.ALLOW)
			.actions(actions)
			.resources(java.util.Arrays.stream(prefixes).map(p -> bucket.arnForObjects(p + "*")).toList())
			.build();
	}

	static final List<String> READ = List.of("s3:GetObject");

	/** Put covers CreateMultipartUpload, UploadPart(Copy) and CompleteMultipartUpload. */
	static final List<String> WRITE = List.of("s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts");

	static final List<String> DELETE = List.of("s3:DeleteObject");

	/** The health check and the queue gauges read both queues' attributes. */
	static PolicyStatement queueAttributes(IQueue jobs, IQueue deadLetters) {
		return sqs(List.of("sqs:GetQueueAttributes", "sqs:GetQueueUrl"), jobs, deadLetters);
	}

	/** The outbox's sending side. */
	static PolicyStatement send(IQueue jobs) {
		return sqs(List.of("sqs:SendMessage"), jobs);
	}

	/** Workers: long poll, heartbeat (visibility), delete when done. */
	static PolicyStatement consume(IQueue jobs) {
		return sqs(List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"), jobs);
	}

	private static PolicyStatement sqs(List<String> actions, IQueue... queues) {
		return PolicyStatement.Builder.create()
			.effect(Effect.ALLOW)
			.actions(actions)
			.resources(java.util.Arrays.stream(queues).map(IQueue::getQueueArn).toList())
			.build();
	}

}
