/**
 * Turns an uploaded source into an adaptive-bitrate HLS ladder: plans one job per (asset, profile), queues
 * them through the transactional outbox to SQS, runs them in workers with heartbeats and bounded retries,
 * verifies keyframe alignment across renditions, and publishes each rendition to the catalog when all of its
 * objects are stored.
 */
@NullMarked
@ApplicationModule(displayName = "Transcode")
package dev.keyframe.transcode;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
