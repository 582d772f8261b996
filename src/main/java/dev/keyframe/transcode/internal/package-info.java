/**
 * Transcode jobs, their planning, lifecycle, store, dispatch to the queue, sweep, playlists and alignment checks.
 */
@NullMarked
package dev.keyframe.transcode.internal;

import org.jspecify.annotations.NullMarked;
