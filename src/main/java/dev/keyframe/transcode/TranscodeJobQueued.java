package dev.keyframe.transcode;

import java.util.UUID;

/**
 * A job was put in the queue (created, retried, or found without a message). Published inside the transaction
 * that changed the job; the event publication registry sends it to SQS after commit, and again after a crash.
 *
 * @param delaySeconds how long SQS holds the message back (retry backoff), 0..900
 */
public record TranscodeJobQueued(UUID jobId, int delaySeconds) {
}
