/**
 * Infrastructure every module shares: object storage (S3), the job queue (SQS) clients, the media tools
 * (ffmpeg, ffprobe) and, for the local default, the embedded stand-ins that speak the same protocols.
 */
@NullMarked
@ApplicationModule(displayName = "Platform")
package dev.keyframe.platform;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
