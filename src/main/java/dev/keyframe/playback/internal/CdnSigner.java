package dev.keyframe.playback.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.MediaLinks;
import dev.keyframe.playback.CdnSettings;
import dev.keyframe.playback.Grant;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;
import software.amazon.awssdk.services.cloudfront.cookie.CookiesForCustomPolicy;
import software.amazon.awssdk.services.cloudfront.model.CannedSignerRequest;
import software.amazon.awssdk.services.cloudfront.model.CustomSignerRequest;

/**
 * Signs for the CDN with the AWS SDK's CloudFront signer and the newest key of the key group.
 * <p>
 * A playback grant is one custom policy over the asset's prefix ({@code https://cdn/media/<asset>/*}), given both
 * as signed cookies (what the player's segment and variant playlist requests carry) and as a signed URL for the
 * master playlist. Single objects shown outside a player (posters) get canned signed URLs whose expiry is rounded,
 * so a page shows the same URL for a while and browsers cache the image.
 */
@Component
public class CdnSigner implements MediaLinks {

	private final CloudFrontUtilities cloudFront = CloudFrontUtilities.create();

	private final CdnSettings settings;

	private final KeyRing keys;

	private final Clock clock;

	/** The CDN's base URL without a trailing slash. */
	private final String base;

	/** Canned URLs of the current expiry step, by key. */
	private final Map<String, String> objectUrls = new ConcurrentHashMap<>();

	private volatile long objectUrlStep = -1;

	CdnSigner(CdnSettings settings, KeyRing keys, java.util.Optional<Clock> clock) {
		this.settings = settings;
		this.keys = keys;
		this.clock = clock.orElse(Clock.systemUTC());
		String url = settings.url().toString();
		this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	/**
	 * A grant for one asset; call it only for a viewer entitled to the asset.
	 *
	 * @param viewer the viewer's address, bound into the policy when {@code keyframe.cdn.bind-client-ip} is set
	 */
	public Grant grant(AssetId asset, @Nullable InetAddress viewer) {
		return grant(asset, viewer, null, null);
	}

	/**
	 * A grant for one asset, its download and its DASH manifest where it has them ({@code downloadKey},
	 * {@code dashKey}: objects under the asset's media prefix, signed by the same policy); call it only for a viewer
	 * entitled to the asset.
	 */
	public Grant grant(AssetId asset, @Nullable InetAddress viewer, @Nullable String downloadKey,
			@Nullable String dashKey) {
		Instant now = clock.instant();
		Instant expires = now.plus(settings.ttl());
		String prefix = base + "/" + AssetKeys.mediaPrefix(asset);
		String ipRange = settings.bindClientIp() && viewer instanceof Inet4Address ? viewer.getHostAddress() + "/32"
				: null;
		// the SDK's cookie signer ignores resourceUrlPattern (aws-sdk-java-v2#6127): the pattern is the resource
		CookiesForCustomPolicy cookies = cloudFront.getCookiesForCustomPolicy(CustomSignerRequest.builder()
			.resourceUrl(prefix + "*")
			.privateKey(keys.signingKey())
			.keyPairId(keys.signingKeyId())
			.expirationDate(expires)
			.ipRange(ipRange)
			.build());
		Map<String, String> values = new LinkedHashMap<>();
		for (String header : new String[] { cookies.policyHeaderValue(), cookies.signatureHeaderValue(),
				cookies.keyPairIdHeaderValue() }) {
			int eq = header.indexOf('=');
			values.put(header.substring(0, eq), header.substring(eq + 1));
		}
		// the master playlist's signed URL carries the same policy and signature (one RSA signature per grant);
		// the values are CloudFront's URL-safe base64 and key id, safe in a query string as they are
		String master = base + "/" + AssetKeys.master(asset) + "?Policy=" + values.get("CloudFront-Policy")
				+ "&Signature=" + values.get("CloudFront-Signature") + "&Key-Pair-Id="
				+ values.get("CloudFront-Key-Pair-Id");
		String query = master.substring(master.indexOf('?'));
		Duration ttl = settings.ttl();
		return new Grant(asset.toString(), master, values, settings.url().getPath().replaceAll("/+$", "") + "/"
				+ AssetKeys.mediaPrefix(asset), expires,
				now.plus(ttl.dividedBy(2)), signed(asset, downloadKey, query), signed(asset, dashKey, query));
	}

	/** The URL of one of the asset's objects under the grant's policy, or null for none. */
	private @Nullable String signed(AssetId asset, @Nullable String key, String query) {
		if (key == null) {
			return null;
		}
		if (!key.startsWith(AssetKeys.mediaPrefix(asset))) {
			throw new IllegalArgumentException("Not an object of asset " + asset + ": " + key);
		}
		return base + "/" + key + query;
	}

	@Override
	public String objectUrl(String mediaKey) {
		if (!mediaKey.startsWith("media/")) {
			throw new IllegalArgumentException("Only media objects are served: " + mediaKey);
		}
		long stepSeconds = Math.max(60, settings.ttl().toSeconds() / 2);
		long step = clock.instant().getEpochSecond() / stepSeconds;
		if (step != objectUrlStep) {
			objectUrls.clear();
			objectUrlStep = step;
		}
		// valid for at least the grant's life, and the same URL for a whole step
		Instant expires = Instant.ofEpochSecond((step + 1) * stepSeconds).plus(settings.ttl());
		return objectUrls.computeIfAbsent(mediaKey, key -> cloudFront
			.getSignedUrlWithCannedPolicy(CannedSignerRequest.builder()
				.resourceUrl(base + "/" + key)
				.privateKey(keys.signingKey())
				.keyPairId(keys.signingKeyId())
				.expirationDate(expires)
				.build())
			.url());
	}

}
