/**
 * Live channels, stream keys, sessions and their leases, the per-stream transcoder and its launchers, the relay,
 * HLS publishing, RTMP outputs and the session monitor.
 */
@NullMarked
package dev.keyframe.live.internal;

import org.jspecify.annotations.NullMarked;
