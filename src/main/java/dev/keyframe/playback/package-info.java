/**
 * How viewers reach media: the media route that serves stored objects with their cache headers and byte
 * ranges, and the player page. Signed CDN delivery replaces the unsigned route in a later step.
 */
@NullMarked
@ApplicationModule(displayName = "Playback")
package dev.keyframe.playback;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
