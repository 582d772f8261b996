package dev.keyframe.catalog;

/**
 * The work that makes an asset's renditions moved on: jobs were planned, finished, failed or put back. The catalog
 * derives the asset's status from {@code jobs}, in the transaction that changed them.
 */
public record TranscodeProgressed(AssetId asset, TranscodeWork.JobCounts jobs) {
}
