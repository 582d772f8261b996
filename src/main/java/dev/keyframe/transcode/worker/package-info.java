/**
 * The workers that take jobs from the queue and run ffmpeg for them.
 */
@NullMarked
package dev.keyframe.transcode.worker;

import org.jspecify.annotations.NullMarked;
