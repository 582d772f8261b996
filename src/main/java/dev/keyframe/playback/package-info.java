/**
 * How viewers reach media: who may watch what (entitlements), CloudFront signatures for entitled viewers
 * (signed cookies over the asset's prefix and a signed master playlist URL), the player page, and the local edge
 * that verifies those signatures in front of the private bucket as CloudFront does in production.
 */
@NullMarked
@ApplicationModule(displayName = "Playback")
package dev.keyframe.playback;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
