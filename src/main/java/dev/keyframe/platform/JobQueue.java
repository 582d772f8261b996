package dev.keyframe.platform;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The transcode job queue (SQS): at-least-once delivery, visibility timeouts, a dead-letter queue behind it.
 */
@Component
public class JobQueue {

	private final SqsClient sqs;

	private final QueueSettings settings;

	JobQueue(SqsClient sqs, QueueSettings settings) {
		this.sqs = sqs;
		this.settings = settings;
	}

	public void send(String body, Duration delay) {
		int seconds = (int) Math.min(900, Math.max(0, delay.toSeconds()));
		sqs.sendMessage(b -> b.queueUrl(settings.url()).messageBody(body).delaySeconds(seconds));
	}

	/** Long-polls for at most one message, hiding it from other consumers for {@code visibility}. */
	public List<Received> receive(int max, Duration wait, Duration visibility) {
		return sqs
			.receiveMessage(b -> b.queueUrl(settings.url())
				.maxNumberOfMessages(max)
				.waitTimeSeconds((int) wait.toSeconds())
				.visibilityTimeout((int) visibility.toSeconds())
				.messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
			.messages()
			.stream()
			.map(JobQueue::received)
			.toList();
	}

	/** Keeps a message hidden for {@code visibility} from now: the worker's heartbeat. */
	public void extend(String receiptHandle, Duration visibility) {
		sqs.changeMessageVisibility(
				b -> b.queueUrl(settings.url()).receiptHandle(receiptHandle).visibilityTimeout((int) visibility.toSeconds()));
	}

	public void delete(String receiptHandle) {
		sqs.deleteMessage(b -> b.queueUrl(settings.url()).receiptHandle(receiptHandle));
	}

	/** Messages waiting in the job queue and received but not yet deleted, read together in one call. */
	public Counts counts() {
		Map<QueueAttributeName, String> attributes = sqs
			.getQueueAttributes(b -> b.queueUrl(settings.url())
				.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
			.attributes();
		return new Counts(number(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
				number(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)));
	}

	/** Messages in the dead-letter queue, if one is configured. */
	public OptionalLong deadLetterDepth() {
		if (settings.deadLetterUrl() == null) {
			return OptionalLong.empty();
		}
		String value = sqs
			.getQueueAttributes(b -> b.queueUrl(settings.deadLetterUrl())
				.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
			.attributes()
			.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
		return value == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
	}

	private static long number(@Nullable String value) {
		return value == null ? 0 : Long.parseLong(value);
	}

	/** @param waiting visible messages; @param inFlight received and not yet deleted */
	public record Counts(long waiting, long inFlight) {

		public long total() {
			return waiting + inFlight;
		}

	}

	private static Received received(Message message) {
		String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
		return new Received(message.messageId(), message.receiptHandle(), message.body(),
				count == null ? 1 : Integer.parseInt(count));
	}

	public record Received(String messageId, String receiptHandle, String body, int receiveCount) {
	}

}
