package dev.keyframe.playback;

import java.time.Instant;
import java.util.Map;

/**
 * What a player needs to play one asset through the CDN: a signed URL for the master playlist and signed cookies
 * for everything under the asset's prefix, all under one policy.
 *
 * @param masterUrl the master playlist's signed URL
 * @param cookies the signed cookies by name ({@code CloudFront-Policy}, {@code CloudFront-Signature},
 *        {@code CloudFront-Key-Pair-Id}); set by the response too, for browsers
 * @param cookiePath the path the cookies are scoped to: the asset's prefix on the CDN
 * @param expiresAt when the policy stops being accepted
 * @param renewAt when the player should ask for a fresh grant
 * @param downloadUrl the signed URL of the asset's download (an MP4, or an M4A for audio), under the same policy;
 *        null when the asset has none
 * @param dashUrl the signed URL of the asset's DASH manifest, of the same renditions as the master playlist; null
 *        when it has none (its segments are MPEG-TS, or it is still being encoded)
 */
public record Grant(String asset, String masterUrl, Map<String, String> cookies, String cookiePath,
		Instant expiresAt, Instant renewAt, @org.jspecify.annotations.Nullable String downloadUrl,
		@org.jspecify.annotations.Nullable String dashUrl) {
}
