/**
 * The local CDN edge: serves stored media only for CloudFront-signed requests, with a cache in front of the
 * private storage.
 */
@NullMarked
package dev.keyframe.playback.edge;

import org.jspecify.annotations.NullMarked;
