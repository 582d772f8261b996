package dev.keyframe.playback;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/**
 * How viewers reach media: the CDN's address and the keys that sign for it.
 *
 * @param url the CDN's base URL as viewers use it ({@code https://cdn.example.com}; the local edge's URL locally)
 * @param ttl how long a playback grant is valid; the player renews it at half time
 * @param cookieDomain the domain signed cookies are set for, shared by the app and the CDN
 *        ({@code .example.com}); empty for a host-only cookie (enough when both share a host name, as locally)
 * @param bindClientIp add the viewer's IPv4 address to every policy, so a grant only works from where it was
 *        given (CloudFront cannot match IPv6 addresses: IPv6 viewers get policies without the condition)
 * @param keys the key group: every key the CDN accepts. The newest key with a private key, listed last, signs;
 *        keys with only a public key are still accepted (the old key while one rotates)
 */
@Validated
@ConfigurationProperties("keyframe.cdn")
public record CdnSettings(@NotNull URI url, @DefaultValue("10m") Duration ttl, @Nullable String cookieDomain,
		@DefaultValue("false") boolean bindClientIp, @NotEmpty List<Key> keys) {

	/**
	 * One CloudFront public key and, for the key that signs, its private key. A key is given as PEM text or as the
	 * path of a PEM file ({@code file:} prefix optional).
	 *
	 * @param id the key's id in the key group (CloudFront's public key id, such as {@code K2JCJMDEHXQW5F})
	 */
	public record Key(String id, @Nullable String privateKey, @Nullable String publicKey) {
	}

	/** The origin viewers' browsers load media from: scheme, host and port. */
	public String origin() {
		return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
	}

}
