package dev.keyframe.playback.edge;

import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import dev.keyframe.playback.internal.KeyRing;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a request's CloudFront signature the way CloudFront does: a signed URL ({@code Expires} or
 * {@code Policy}, {@code Signature}, {@code Key-Pair-Id} query parameters) or, when the URL carries none of them,
 * signed cookies ({@code CloudFront-Expires} or {@code CloudFront-Policy}, {@code CloudFront-Signature},
 * {@code CloudFront-Key-Pair-Id}).
 * <p>
 * A canned policy is rebuilt from the URL itself; a custom policy is the signed JSON, whose one statement gives a
 * resource ({@code *} and {@code ?} wildcards), {@code DateLessThan}, and optionally {@code DateGreaterThan} and
 * {@code IpAddress}. The signature is SHA1withRSA over the policy under a key of the key group.
 * <p>
 * Every request is checked against its policy's conditions. The RSA verification of a policy and signature pair
 * already seen is remembered (a player sends the same cookies hundreds of times), so the per-request cost is a map
 * lookup, a wildcard match and a clock read.
 */
public final class SignatureVerifier {

	static final String EXPIRES = "Expires";

	static final String POLICY = "Policy";

	static final String SIGNATURE = "Signature";

	static final String KEY_PAIR_ID = "Key-Pair-Id";

	static final String COOKIE_PREFIX = "CloudFront-";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final int REMEMBERED = 10_000;

	private final KeyRing keys;

	/** Policies whose signature was verified, by key id, policy and signature. */
	private final Map<String, Policy> verified = new ConcurrentHashMap<>();

	public SignatureVerifier(KeyRing keys) {
		this.keys = keys;
	}

	/**
	 * @param base the request's URL without its query: {@code scheme://host[:port]/path}, as the viewer used it
	 * @param rawQuery the raw query string, or null
	 * @param cookies the request's cookies by name (the first of each name)
	 * @param client the viewer's address
	 */
	public Decision verify(String base, @Nullable String rawQuery, Map<String, String> cookies, InetAddress client,
			Instant now) {
		Credentials credentials = Credentials.from(base, rawQuery, cookies);
		if (credentials.keyPairId == null) {
			return Decision.deny("MissingKey", "Missing Key-Pair-Id query parameter or cookie value");
		}
		if (credentials.signature == null) {
			return Decision.deny("MissingKey", "Missing Signature query parameter or cookie value");
		}
		if (credentials.policy == null && credentials.expires == null) {
			return Decision.deny("MissingKey", "Missing Policy or Expires query parameter or cookie value");
		}
		PublicKey key = keys.trusted(credentials.keyPairId);
		if (key == null) {
			return Decision.deny("InvalidKey", "Unknown Key-Pair-Id");
		}
		String policyText;
		if (credentials.policy != null) {
			byte[] decoded = decode(credentials.policy);
			if (decoded == null) {
				return Decision.deny("MalformedPolicy", "Malformed Policy");
			}
			policyText = new String(decoded, StandardCharsets.UTF_8);
		}
		else {
			if (credentials.expires.isEmpty() || credentials.expires.length() > 12
					|| !credentials.expires.chars().allMatch(Character::isDigit)) {
				return Decision.deny("MalformedPolicy", "Malformed Expires");
			}
			policyText = cannedPolicy(credentials.resource, Long.parseLong(credentials.expires));
		}
		// the form is part of it: a policy without a Resource is valid in a URL and not in cookies
		String memo = credentials.fromCookies + "\n" + credentials.keyPairId + '\n' + credentials.signature + '\n'
				+ policyText;
		Policy policy = verified.get(memo);
		if (policy == null) {
			byte[] signature = decode(credentials.signature);
			if (signature == null || !verifies(key, policyText, signature)) {
				return Decision.deny("AccessDenied", "The signature does not match the policy and key");
			}
			try {
				policy = Policy.parse(policyText, credentials.fromCookies);
			}
			catch (IllegalArgumentException ex) {
				return Decision.deny("MalformedPolicy", ex.getMessage());
			}
			if (verified.size() >= REMEMBERED) {
				verified.clear();
			}
			verified.put(memo, policy);
		}
		return policy.allows(credentials.resource, client, now.getEpochSecond());
	}

	/** The policy CloudFront rebuilds for a canned signature: exactly these bytes are signed. */
	static String cannedPolicy(String resource, long expires) {
		return "{\"Statement\":[{\"Resource\":\"" + resource + "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":"
				+ expires + "}}}]}";
	}

	/** CloudFront's URL-safe base64: {@code + = /} written as {@code - _ ~}. */
	static byte @Nullable [] decode(String value) {
		try {
			return Base64.getDecoder().decode(value.replace('-', '+').replace('_', '=').replace('~', '/'));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static boolean verifies(PublicKey key, String policy, byte[] signature) {
		try {
			Signature rsa = Signature.getInstance("SHA1withRSA");
			rsa.initVerify(key);
			rsa.update(policy.getBytes(StandardCharsets.UTF_8));
			return rsa.verify(signature);
		}
		catch (GeneralSecurityException ex) {
			return false;
		}
	}

	/** What the request presents: from its URL when the URL carries any signing parameter, else from cookies. */
	private record Credentials(String resource, @Nullable String policy, @Nullable String expires,
			@Nullable String signature, @Nullable String keyPairId, boolean fromCookies) {

		static Credentials from(String base, @Nullable String rawQuery, Map<String, String> cookies) {
			String policy = null;
			String expires = null;
			String signature = null;
			String keyPairId = null;
			boolean signedUrl = false;
			StringBuilder rest = new StringBuilder();
			if (rawQuery != null && !rawQuery.isEmpty()) {
				for (String pair : rawQuery.split("&", -1)) {
					int eq = pair.indexOf('=');
					String name = eq < 0 ? pair : pair.substring(0, eq);
					String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
					switch (name) {
						case POLICY -> policy = value;
						case EXPIRES -> expires = value;
						case SIGNATURE -> signature = value;
						case KEY_PAIR_ID -> keyPairId = value;
						default -> {
							rest.append(rest.isEmpty() ? "" : "&").append(pair);
							continue;
						}
					}
					signedUrl = true;
				}
			}
			if (signedUrl) {
				return new Credentials(rest.isEmpty() ? base : base + "?" + rest, policy, expires, signature,
						keyPairId, false);
			}
			String resource = rawQuery == null || rawQuery.isEmpty() ? base : base + "?" + rawQuery;
			return new Credentials(resource, cookies.get(COOKIE_PREFIX + POLICY), cookies.get(COOKIE_PREFIX + EXPIRES),
					cookies.get(COOKIE_PREFIX + SIGNATURE), cookies.get(COOKIE_PREFIX + KEY_PAIR_ID), true);
		}

	}

	/** A verified policy's statement. */
	private record Policy(@Nullable String resource, long notAfter, long notBefore, @Nullable Cidr source) {

		static Policy parse(String text, boolean fromCookies) {
			JsonNode root;
			try {
				root = JSON.readTree(text);
			}
			catch (JacksonException ex) {
				throw new IllegalArgumentException("Malformed Policy: not JSON");
			}
			JsonNode statements = root.path("Statement");
			if (!statements.isArray() || statements.size() != 1) {
				throw new IllegalArgumentException("Malformed Policy: exactly one Statement is allowed");
			}
			JsonNode statement = statements.get(0);
			JsonNode resource = statement.path("Resource");
			if (!resource.isString() && (fromCookies || !resource.isMissingNode())) {
				throw new IllegalArgumentException("Malformed Policy: Resource is required");
			}
			JsonNode condition = statement.path("Condition");
			JsonNode before = condition.path("DateLessThan").path("AWS:EpochTime");
			if (!before.canConvertToLong()) {
				throw new IllegalArgumentException("Malformed Policy: DateLessThan is required");
			}
			JsonNode after = condition.path("DateGreaterThan").path("AWS:EpochTime");
			JsonNode ip = condition.path("IpAddress").path("AWS:SourceIp");
			return new Policy(resource.isString() ? resource.asString() : null, before.asLong(),
					after.canConvertToLong() ? after.asLong() : Long.MIN_VALUE,
					ip.isString() ? Cidr.parse(ip.asString()) : null);
		}

		Decision allows(String url, InetAddress client, long now) {
			if (now >= notAfter) {
				return Decision.deny("AccessDenied", "The signature expired at " + Instant.ofEpochSecond(notAfter));
			}
			if (now < notBefore) {
				return Decision.deny("AccessDenied", "The signature is not valid before " + Instant.ofEpochSecond(notBefore));
			}
			if (source != null && !source.contains(client)) {
				return Decision.deny("AccessDenied", "The signature is not valid from this address");
			}
			if (resource != null && !Wildcard.matches(resource, url)) {
				return Decision.deny("AccessDenied", "The signature is not valid for this resource");
			}
			return Decision.ALLOW;
		}

	}

	/** An address range of a policy's {@code IpAddress} condition: {@code 192.0.2.0/24}, or one address. */
	record Cidr(byte[] network, int bits) {

		static Cidr parse(String text) {
			int slash = text.indexOf('/');
			String address = slash < 0 ? text : text.substring(0, slash);
			if (!address.matches("[0-9a-fA-F.:]+")) {
				throw new IllegalArgumentException("Malformed Policy: bad IpAddress " + text);
			}
			try {
				byte[] network = InetAddress.getByName(address).getAddress();
				int bits = slash < 0 ? network.length * 8 : Integer.parseInt(text.substring(slash + 1));
				if (bits < 0 || bits > network.length * 8) {
					throw new IllegalArgumentException("Malformed Policy: bad IpAddress " + text);
				}
				return new Cidr(network, bits);
			}
			catch (UnknownHostException | NumberFormatException ex) {
				throw new IllegalArgumentException("Malformed Policy: bad IpAddress " + text);
			}
		}

		boolean contains(InetAddress client) {
			byte[] address = client.getAddress();
			if (address.length != network.length) {
				return false;
			}
			int full = bits / 8;
			for (int i = 0; i < full; i++) {
				if (address[i] != network[i]) {
					return false;
				}
			}
			int rest = bits % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xff << (8 - rest)) & 0xff;
			return (address[full] & mask) == (network[full] & mask);
		}

	}

	/** CloudFront's resource wildcards: {@code *} is any run of characters, {@code ?} exactly one. */
	static final class Wildcard {

		private Wildcard() {
		}

		static boolean matches(String pattern, String text) {
			int p = 0;
			int t = 0;
			int star = -1;
			int resume = 0;
			while (t < text.length()) {
				if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
					p++;
					t++;
				}
				else if (p < pattern.length() && pattern.charAt(p) == '*') {
					star = p++;
					resume = t;
				}
				else if (star >= 0) {
					p = star + 1;
					t = ++resume;
				}
				else {
					return false;
				}
			}
			while (p < pattern.length() && pattern.charAt(p) == '*') {
				p++;
			}
			return p == pattern.length();
		}

	}

	/** Allowed, or denied with CloudFront's error code and a reason. */
	public record Decision(boolean allowed, String code, String reason) {

		static final Decision ALLOW = new Decision(true, "", "");

		static Decision deny(String code, String reason) {
			return new Decision(false, code, reason);
		}

	}

}
