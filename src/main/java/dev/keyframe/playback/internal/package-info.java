/**
 * Who may watch what, CloudFront signing and its key ring.
 */
@NullMarked
package dev.keyframe.playback.internal;

import org.jspecify.annotations.NullMarked;
