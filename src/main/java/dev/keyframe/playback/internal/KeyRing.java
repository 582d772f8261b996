package dev.keyframe.playback.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.keyframe.playback.CdnSettings;

/**
 * The key group: the public keys signatures are accepted under, by key id, and the one private key that signs
 * (the last listed that has one).
 */
public final class KeyRing {

	private final Map<String, PublicKey> trusted;

	private final String signingKeyId;

	private final PrivateKey signingKey;

	public KeyRing(List<CdnSettings.Key> keys) {
		Map<String, PublicKey> publicKeys = new LinkedHashMap<>();
		String signerId = null;
		PrivateKey signer = null;
		for (CdnSettings.Key key : keys) {
			if (key.id() == null || key.id().isBlank()) {
				throw new IllegalArgumentException("Every CDN key needs an id (keyframe.cdn.keys[n].id).");
			}
			PrivateKey privateKey = key.privateKey() == null || key.privateKey().isBlank() ? null
					: privateKey(pem(key.privateKey()), key.id());
			PublicKey publicKey = key.publicKey() != null && !key.publicKey().isBlank()
					? publicKey(pem(key.publicKey()), key.id())
					: privateKey != null ? publicKeyOf(privateKey, key.id()) : null;
			if (publicKey == null) {
				throw new IllegalArgumentException("CDN key " + key.id() + " has neither a public nor a private key.");
			}
			if (publicKeys.put(key.id(), publicKey) != null) {
				throw new IllegalArgumentException("CDN key " + key.id() + " is listed twice.");
			}
			if (privateKey != null) {
				signerId = key.id();
				signer = privateKey;
			}
		}
		if (signer == null) {
			throw new IllegalArgumentException(
					"No CDN key can sign: give the newest key's private key (keyframe.cdn.keys[n].private-key).");
		}
		this.trusted = Map.copyOf(publicKeys);
		this.signingKeyId = signerId;
		this.signingKey = signer;
	}

	/** The public key a key id names, if that key is in the group. */
	public @Nullable PublicKey trusted(String keyId) {
		return trusted.get(keyId);
	}

	public java.util.Set<String> trustedIds() {
		return trusted.keySet();
	}

	public String signingKeyId() {
		return signingKeyId;
	}

	public PrivateKey signingKey() {
		return signingKey;
	}

	/** PEM text as given, or read from the file it names. */
	private static String pem(String value) {
		String text = value.strip();
		if (text.startsWith("-----BEGIN")) {
			return text;
		}
		Path path = Path.of(text.startsWith("file:") ? text.substring("file:".length()) : text);
		try {
			return Files.readString(path, StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the CDN key file " + path + ": " + ex.getMessage(), ex);
		}
	}

	private static byte[] der(String pem, String type) {
		String begin = "-----BEGIN " + type + "-----";
		int start = pem.indexOf(begin);
		int end = pem.indexOf("-----END " + type + "-----");
		if (start < 0 || end < 0) {
			return new byte[0];
		}
		return Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
	}

	static PrivateKey privateKey(String pem, String id) {
		try {
			byte[] pkcs8 = der(pem, "PRIVATE KEY");
			if (pkcs8.length == 0) {
				byte[] pkcs1 = der(pem, "RSA PRIVATE KEY");
				if (pkcs1.length == 0) {
					throw new IllegalArgumentException("CDN key " + id
							+ ": the private key is not PEM (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY).");
				}
				pkcs8 = pkcs1ToPkcs8(pkcs1);
			}
			return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalArgumentException("CDN key " + id + ": not an RSA private key (" + ex.getMessage() + ").", ex);
		}
	}

	static PublicKey publicKey(String pem, String id) {
		byte[] spki = der(pem, "PUBLIC KEY");
		if (spki.length == 0) {
			throw new IllegalArgumentException("CDN key " + id + ": the public key is not PEM (BEGIN PUBLIC KEY).");
		}
		try {
			return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalArgumentException("CDN key " + id + ": not an RSA public key (" + ex.getMessage() + ").", ex);
		}
	}

	private static PublicKey publicKeyOf(PrivateKey key, String id) {
		if (!(key instanceof RSAPrivateCrtKey rsa)) {
			throw new IllegalArgumentException("CDN key " + id + ": give its public key too.");
		}
		try {
			return KeyFactory.getInstance("RSA")
				.generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Wraps a PKCS#1 RSAPrivateKey (what {@code openssl genrsa -traditional} writes) in a PKCS#8 envelope. */
	private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
		byte[] algorithm = { 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
				0x01, 0x01, 0x05, 0x00 };
		byte[] version = { 0x02, 0x01, 0x00 };
		byte[] octets = concat(header(0x04, pkcs1.length), pkcs1);
		byte[] body = concat(version, algorithm, octets);
		return concat(header(0x30, body.length), body);
	}

	private static byte[] header(int tag, int length) {
		if (length < 0x80) {
			return new byte[] { (byte) tag, (byte) length };
		}
		if (length < 0x100) {
			return new byte[] { (byte) tag, (byte) 0x81, (byte) length };
		}
		if (length < 0x10000) {
			return new byte[] { (byte) tag, (byte) 0x82, (byte) (length >> 8), (byte) length };
		}
		return new byte[] { (byte) tag, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length };
	}

	private static byte[] concat(byte[]... parts) {
		int size = 0;
		for (byte[] part : parts) {
			size += part.length;
		}
		byte[] out = new byte[size];
		int at = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, out, at, part.length);
			at += part.length;
		}
		return out;
	}

}
