package dev.keyframe.playback.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.keyframe.playback.CdnSettings;
import dev.keyframe.playback.internal.KeyRing;
import dev.keyframe.support.TestKeys;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;
import software.amazon.awssdk.services.cloudfront.cookie.SignedCookie;
import software.amazon.awssdk.services.cloudfront.model.CannedSignerRequest;
import software.amazon.awssdk.services.cloudfront.model.CustomSignerRequest;

/**
 * The edge's verifier against URLs and cookies made by the AWS SDK's CloudFront signer: what the SDK signs passes,
 * and every change to what was signed is refused.
 */
class SignatureVerifierTests {

	static final String CDN = "https://cdn.example.com";

	static final String ASSET = "/media/6f1d2c3b-0000-4000-8000-00000000a55e/";

	static final String OTHER = "/media/6f1d2c3b-0000-4000-8000-00000000b0b0/";

	static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

	static final CloudFrontUtilities SDK = CloudFrontUtilities.create();

	static KeyPair oldKey;

	static KeyPair newKey;

	static KeyPair outsider;

	static SignatureVerifier verifier;

	static InetAddress viewer;

	@BeforeAll
	static void keys() throws Exception {
		oldKey = TestKeys.rsa();
		newKey = TestKeys.rsa();
		outsider = TestKeys.rsa();
		// the key group while a key rotates: the old key's public half, and the new key that signs
		verifier = new SignatureVerifier(new KeyRing(List.of(
				new CdnSettings.Key("K-OLD", null, TestKeys.pem("PUBLIC KEY", oldKey.getPublic().getEncoded())),
				new CdnSettings.Key("K-NEW", TestKeys.pem("PRIVATE KEY", newKey.getPrivate().getEncoded()), null))));
		viewer = InetAddress.getByName("198.51.100.7");
	}

	@Test
	void aCannedSignedUrlPassesUntilItExpires() {
		String url = SDK.getSignedUrlWithCannedPolicy(canned(CDN + ASSET + "poster.jpg", NOW.plusSeconds(600), newKey,
				"K-NEW")).url();
		assertThat(url(url, NOW)).isEqualTo("allowed");
		assertThat(url(url, NOW.plusSeconds(599))).isEqualTo("allowed");
		assertThat(url(url, NOW.plusSeconds(600))).startsWith("AccessDenied: The signature expired");
	}

	@Test
	void aCustomPolicyOverThePrefixOpensEveryObjectUnderItAsCookies() {
		Map<String, String> cookies = cookies(SDK.getCookiesForCustomPolicy(custom(newKey, "K-NEW").build()));
		assertThat(withCookies(CDN + ASSET + "360p/index.m3u8", null, cookies, NOW)).isEqualTo("allowed");
		assertThat(withCookies(CDN + ASSET + "360p/seg_00042.ts", null, cookies, NOW)).isEqualTo("allowed");
		assertThat(withCookies(CDN + OTHER + "360p/seg_00042.ts", null, cookies, NOW))
			.as("another asset's prefix").isEqualTo("AccessDenied: The signature is not valid for this resource");
		assertThat(withCookies(CDN + ASSET + "360p/seg_00042.ts", null, cookies, NOW.plusSeconds(601)))
			.as("expired").startsWith("AccessDenied: The signature expired");
	}

	@Test
	void aSignedMasterUrlWithAWildcardPolicyOpensTheMasterPlaylist() {
		String url = SDK.getSignedUrlWithCustomPolicy(custom(newKey, "K-NEW").resourceUrl(CDN + ASSET + "master.m3u8")
			.resourceUrlPattern(CDN + ASSET + "*")
			.build()).url();
		assertThat(url(url, NOW)).isEqualTo("allowed");
		assertThat(url(url.replace(ASSET, OTHER), NOW)).isEqualTo("AccessDenied: The signature is not valid for this resource");
	}

	@Test
	void cannedCookiesOpenTheirOneObject() {
		var cookies = SDK.getCookiesForCannedPolicy(canned(CDN + ASSET + "poster.jpg", NOW.plusSeconds(60), newKey,
				"K-NEW"));
		Map<String, String> values = cookies(cookies.expiresHeaderValue(), cookies.signatureHeaderValue(),
				cookies.keyPairIdHeaderValue());
		assertThat(withCookies(CDN + ASSET + "poster.jpg", null, values, NOW)).isEqualTo("allowed");
		assertThat(withCookies(CDN + ASSET + "master.m3u8", null, values, NOW)).startsWith("AccessDenied");
	}

	@Test
	void bothKeysOfTheGroupAreAcceptedWhileOneRotates() {
		String signedByOld = SDK.getSignedUrlWithCannedPolicy(canned(CDN + ASSET + "a.ts", NOW.plusSeconds(60), oldKey,
				"K-OLD")).url();
		String signedByNew = SDK.getSignedUrlWithCannedPolicy(canned(CDN + ASSET + "a.ts", NOW.plusSeconds(60), newKey,
				"K-NEW")).url();
		assertThat(url(signedByOld, NOW)).isEqualTo("allowed");
		assertThat(url(signedByNew, NOW)).isEqualTo("allowed");
		assertThat(url(signedByOld.replace("Key-Pair-Id=K-OLD", "Key-Pair-Id=K-NEW"), NOW))
			.as("a signature under the other key's id").startsWith("AccessDenied: The signature does not match");
		String signedByOutsider = SDK.getSignedUrlWithCannedPolicy(canned(CDN + ASSET + "a.ts", NOW.plusSeconds(60),
				outsider, "K-OUTSIDER")).url();
		assertThat(url(signedByOutsider, NOW)).isEqualTo("InvalidKey: Unknown Key-Pair-Id");
		assertThat(url(signedByOutsider.replace("K-OUTSIDER", "K-NEW"), NOW))
			.as("a key not in the group, claiming a key id that is").startsWith("AccessDenied: The signature does not match");
	}

	@Test
	void anyChangeToWhatWasSignedIsRefused() {
		String url = SDK.getSignedUrlWithCannedPolicy(canned(CDN + ASSET + "360p/seg_00001.ts", NOW.plusSeconds(600),
				newKey, "K-NEW")).url();
		assertThat(url(url, NOW)).isEqualTo("allowed");
		assertThat(url(url.replace("seg_00001", "seg_00002"), NOW)).as("path").startsWith("AccessDenied");
		assertThat(url(url.replace("https://cdn.example.com", "https://cdn.example.org"), NOW)).as("host")
			.startsWith("AccessDenied");
		String expires = param(url, "Expires");
		assertThat(url(url.replace("Expires=" + expires, "Expires=" + (Long.parseLong(expires) + 3600)), NOW))
			.as("expiry").startsWith("AccessDenied");
		String signature = param(url, "Signature");
		String flipped = (signature.charAt(10) == 'A' ? "B" : "A");
		assertThat(url(url.replace(signature, signature.substring(0, 10) + flipped + signature.substring(11)), NOW))
			.as("signature").startsWith("AccessDenied");
		assertThat(url(url.replace("?", "?extra=1&"), NOW)).as("an added query parameter").startsWith("AccessDenied");

		Map<String, String> cookies = cookies(SDK.getCookiesForCustomPolicy(custom(newKey, "K-NEW").build()));
		String policy = new String(SignatureVerifier.decode(cookies.get("CloudFront-Policy")), StandardCharsets.UTF_8);
		Map<String, String> widened = new HashMap<>(cookies);
		widened.put("CloudFront-Policy", encode(policy.replace(ASSET + "*", "/media/*")));
		assertThat(withCookies(CDN + OTHER + "a.ts", null, widened, NOW)).as("a widened policy")
			.startsWith("AccessDenied: The signature does not match");
		Map<String, String> lengthened = new HashMap<>(cookies);
		lengthened.put("CloudFront-Policy", encode(policy.replace(String.valueOf(NOW.plusSeconds(600).getEpochSecond()),
				String.valueOf(NOW.plusSeconds(86400).getEpochSecond()))));
		assertThat(withCookies(CDN + ASSET + "a.ts", null, lengthened, NOW)).as("a lengthened policy")
			.startsWith("AccessDenied: The signature does not match");
		Map<String, String> garbled = new HashMap<>(cookies);
		garbled.put("CloudFront-Policy", "not base64 at all!");
		assertThat(withCookies(CDN + ASSET + "a.ts", null, garbled, NOW)).startsWith("MalformedPolicy");
	}

	@Test
	void aStartTimeAndAnAddressRangeAreHonoured() {
		Map<String, String> cookies = cookies(SDK.getCookiesForCustomPolicy(custom(newKey, "K-NEW")
			.activeDate(NOW.plusSeconds(60))
			.ipRange("198.51.100.0/24")
			.build()));
		assertThat(withCookies(CDN + ASSET + "a.ts", null, cookies, NOW)).as("not yet valid")
			.startsWith("AccessDenied: The signature is not valid before");
		assertThat(withCookies(CDN + ASSET + "a.ts", null, cookies, NOW.plusSeconds(61))).isEqualTo("allowed");
		assertThat(verifier.verify(CDN + ASSET + "a.ts", null, cookies, address("203.0.113.9"), NOW.plusSeconds(61)))
			.extracting(SignatureVerifier.Decision::reason)
			.isEqualTo("The signature is not valid from this address");
		assertThat(verifier.verify(CDN + ASSET + "a.ts", null, cookies, address("2001:db8::1"), NOW.plusSeconds(61))
			.allowed()).as("an IPv6 viewer is not in an IPv4 range").isFalse();
	}

	@Test
	void noSignatureAtAllIsRefused() {
		assertThat(withCookies(CDN + ASSET + "a.ts", null, Map.of(), NOW))
			.isEqualTo("MissingKey: Missing Key-Pair-Id query parameter or cookie value");
		assertThat(withCookies(CDN + ASSET + "a.ts", "Signature=abc", Map.of(), NOW)).startsWith("MissingKey");
	}

	@Test
	void aSignedUrlParameterTakesPrecedenceOverCookies() {
		Map<String, String> cookies = cookies(SDK.getCookiesForCustomPolicy(custom(newKey, "K-NEW").build()));
		assertThat(withCookies(CDN + ASSET + "a.ts", "Key-Pair-Id=K-NEW", cookies, NOW))
			.as("an incomplete signed URL is not completed from cookies").startsWith("MissingKey");
	}

	@Test
	void aPolicyWithMoreThanOneStatementIsMalformed() throws Exception {
		String policy = "{\"Statement\":[{\"Resource\":\"" + CDN + ASSET + "*\",\"Condition\":{\"DateLessThan\":"
				+ "{\"AWS:EpochTime\":" + NOW.plusSeconds(60).getEpochSecond() + "}}},{\"Resource\":\"*\","
				+ "\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + NOW.plusSeconds(60).getEpochSecond() + "}}}]}";
		Signature rsa = Signature.getInstance("SHA1withRSA");
		rsa.initSign(newKey.getPrivate());
		rsa.update(policy.getBytes(StandardCharsets.UTF_8));
		Map<String, String> cookies = Map.of("CloudFront-Policy", encode(policy), "CloudFront-Signature",
				encode(rsa.sign()), "CloudFront-Key-Pair-Id", "K-NEW");
		assertThat(withCookies(CDN + ASSET + "a.ts", null, cookies, NOW))
			.isEqualTo("MalformedPolicy: Malformed Policy: exactly one Statement is allowed");
	}

	@Test
	void wildcardsAndAddressRangesMatchAsCloudFrontDefinesThem() {
		assertThat(SignatureVerifier.Wildcard.matches("https://cdn/media/a/*", "https://cdn/media/a/")).isTrue();
		assertThat(SignatureVerifier.Wildcard.matches("https://cdn/media/a/*", "https://cdn/media/a/x/y.ts?q=1")).isTrue();
		assertThat(SignatureVerifier.Wildcard.matches("https://cdn/media/a/*", "https://cdn/media/ab/x")).isFalse();
		assertThat(SignatureVerifier.Wildcard.matches("http*://cdn/*.ts", "https://cdn/a/b.ts")).isTrue();
		assertThat(SignatureVerifier.Wildcard.matches("https://cdn/seg_?.ts", "https://cdn/seg_1.ts")).isTrue();
		assertThat(SignatureVerifier.Wildcard.matches("https://cdn/seg_?.ts", "https://cdn/seg_12.ts")).isFalse();
		assertThat(SignatureVerifier.Cidr.parse("10.0.0.0/8").contains(address("10.200.1.1"))).isTrue();
		assertThat(SignatureVerifier.Cidr.parse("10.0.0.0/8").contains(address("11.0.0.1"))).isFalse();
		assertThat(SignatureVerifier.Cidr.parse("192.0.2.128/25").contains(address("192.0.2.200"))).isTrue();
		assertThat(SignatureVerifier.Cidr.parse("192.0.2.128/25").contains(address("192.0.2.100"))).isFalse();
		assertThat(SignatureVerifier.Cidr.parse("192.0.2.1").contains(address("192.0.2.1"))).isTrue();
	}

	// what the verifier says, as "allowed" or "Code: reason"

	private static String url(String signedUrl, Instant now) {
		int q = signedUrl.indexOf('?');
		return withCookies(signedUrl.substring(0, q), signedUrl.substring(q + 1), Map.of(), now);
	}

	private static String withCookies(String base, @Nullable String query, Map<String, String> cookies, Instant now) {
		SignatureVerifier.Decision decision = verifier.verify(base, query, cookies, viewer, now);
		return decision.allowed() ? "allowed" : decision.code() + ": " + decision.reason();
	}

	private static CannedSignerRequest canned(String resource, Instant expires, KeyPair key, String id) {
		return CannedSignerRequest.builder()
			.resourceUrl(resource)
			.expirationDate(expires)
			.privateKey(key.getPrivate())
			.keyPairId(id)
			.build();
	}

	/** A custom policy over the asset's prefix for ten minutes, as grants are made. */
	private static CustomSignerRequest.Builder custom(KeyPair key, String id) {
		return CustomSignerRequest.builder()
			.resourceUrl(CDN + ASSET + "*")
			.expirationDate(NOW.plusSeconds(600))
			.privateKey(key.getPrivate())
			.keyPairId(id);
	}

	private static Map<String, String> cookies(SignedCookie cookies) {
		return cookies(((software.amazon.awssdk.services.cloudfront.cookie.CookiesForCustomPolicy) cookies)
			.policyHeaderValue(), cookies.signatureHeaderValue(), cookies.keyPairIdHeaderValue());
	}

	private static Map<String, String> cookies(String... headers) {
		Map<String, String> values = new HashMap<>();
		for (String header : headers) {
			int eq = header.indexOf('=');
			values.put(header.substring(0, eq), header.substring(eq + 1));
		}
		return values;
	}

	private static String param(String url, String name) {
		for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
			if (pair.startsWith(name + "=")) {
				return pair.substring(name.length() + 1);
			}
		}
		throw new AssertionError(name + " not in " + url);
	}

	private static String encode(String text) {
		return encode(text.getBytes(StandardCharsets.UTF_8));
	}

	private static String encode(byte[] bytes) {
		return Base64.getEncoder().encodeToString(bytes).replace('+', '-').replace('=', '_').replace('/', '~');
	}

	private static InetAddress address(String literal) {
		try {
			return InetAddress.getByName(literal);
		}
		catch (java.net.UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
