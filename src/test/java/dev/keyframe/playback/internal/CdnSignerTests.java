package dev.keyframe.playback.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.playback.CdnSettings;
import dev.keyframe.playback.Grant;
import dev.keyframe.support.TestKeys;

class CdnSignerTests {

	static final AssetId ASSET = AssetId.of("6f1d2c3b-0000-4000-8000-00000000a55e");

	static final Instant NOW = Instant.parse("2026-11-21T12:00:10Z");

	static KeyPair older;

	static KeyPair newer;

	@BeforeAll
	static void keys() {
		older = TestKeys.rsa();
		newer = TestKeys.rsa();
	}

	@Test
	void aGrantIsOnePolicyOverTheAssetsPrefixAsCookiesAndAsTheMasterUrl() {
		Grant grant = signer(false, NOW).grant(ASSET, null);
		assertThat(grant.masterUrl()).startsWith("https://cdn.example.com/media/" + ASSET + "/master.m3u8?Policy=");
		assertThat(grant.cookies()).containsOnlyKeys("CloudFront-Policy", "CloudFront-Signature",
				"CloudFront-Key-Pair-Id");
		assertThat(grant.cookies().get("CloudFront-Key-Pair-Id")).as("the newest key signs").isEqualTo("K-NEW");
		assertThat(policy(grant)).contains("\"Resource\":\"https://cdn.example.com/media/" + ASSET + "/*\"")
			.contains("\"AWS:EpochTime\":" + NOW.plus(Duration.ofMinutes(10)).getEpochSecond())
			.doesNotContain("IpAddress");
		assertThat(grant.masterUrl()).contains("Policy=" + grant.cookies().get("CloudFront-Policy") + "&");
		assertThat(grant.cookiePath()).isEqualTo("/media/" + ASSET + "/");
		assertThat(grant.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
		assertThat(grant.renewAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
	}

	@Test
	void aGrantNamesTheViewersIpv4AddressWhenAsked() throws Exception {
		assertThat(policy(signer(true, NOW).grant(ASSET, InetAddress.getByName("198.51.100.7"))))
			.contains("\"IpAddress\":{\"AWS:SourceIp\":\"198.51.100.7/32\"}");
		assertThat(policy(signer(true, NOW).grant(ASSET, InetAddress.getByName("2001:db8::7"))))
			.as("CloudFront cannot match IPv6 addresses").doesNotContain("IpAddress");
	}

	@Test
	void aPostersUrlStaysTheSameForHalfAGrantsLife() {
		String first = signer(false, NOW).objectUrl("media/" + ASSET + "/poster.jpg");
		assertThat(signer(false, NOW.plusSeconds(200)).objectUrl("media/" + ASSET + "/poster.jpg")).isEqualTo(first);
		String later = signer(false, NOW.plusSeconds(300)).objectUrl("media/" + ASSET + "/poster.jpg");
		assertThat(later).isNotEqualTo(first);
		long expires = Long.parseLong(first.replaceAll(".*Expires=(\\d+).*", "$1"));
		assertThat(expires - NOW.getEpochSecond()).as("valid at least a grant's life").isBetween(600L, 900L);
		assertThatThrownBy(() -> signer(false, NOW).objectUrl("sources/" + ASSET + "/source"))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void keysAreReadAsPkcs8OrPkcs1PemAndAGroupNeedsAKeyThatSigns() {
		byte[] pkcs8 = newer.getPrivate().getEncoded();
		byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length); // the RSAPrivateKey inside the PKCS#8 envelope
		KeyRing ring = new KeyRing(List.of(new CdnSettings.Key("K1", TestKeys.pem("RSA PRIVATE KEY", pkcs1), null)));
		assertThat(ring.signingKey().getEncoded()).isEqualTo(pkcs8);
		assertThat(ring.trusted("K1")).isEqualTo(newer.getPublic());
		assertThatThrownBy(() -> new KeyRing(List.of(new CdnSettings.Key("K1", null, TestKeys.pem("PUBLIC KEY",
				newer.getPublic().getEncoded()))))).hasMessageContaining("No CDN key can sign");
		assertThatThrownBy(() -> new KeyRing(List.of(new CdnSettings.Key("K1", "/no/such/key.pem", null))))
			.hasMessageContaining("Cannot read the CDN key file /no/such/key.pem");
	}

	private static CdnSigner signer(boolean bindIp, Instant now) {
		CdnSettings settings = new CdnSettings(URI.create("https://cdn.example.com"), Duration.ofMinutes(10), null,
				bindIp, List.of(new CdnSettings.Key("K-OLD", TestKeys.pem("PRIVATE KEY", older.getPrivate().getEncoded()), null),
						new CdnSettings.Key("K-NEW", TestKeys.pem("PRIVATE KEY", newer.getPrivate().getEncoded()), null)));
		return new CdnSigner(settings, new KeyRing(settings.keys()), Optional.of(Clock.fixed(now, ZoneOffset.UTC)));
	}

	private static String policy(Grant grant) {
		String encoded = grant.cookies().get("CloudFront-Policy");
		return new String(Base64.getDecoder().decode(encoded.replace('-', '+').replace('_', '=').replace('~', '/')),
				StandardCharsets.UTF_8);
	}

}
