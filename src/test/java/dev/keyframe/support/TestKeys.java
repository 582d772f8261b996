package dev.keyframe.support;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** RSA key pairs for signing tests, and the PEM text a CDN key is configured with. */
public final class TestKeys {

	private TestKeys() {
	}

	/** A new 2048-bit RSA key pair, the size CloudFront key groups take. */
	public static KeyPair rsa() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** DER bytes as PEM: {@code type} is {@code PRIVATE KEY}, {@code RSA PRIVATE KEY} or {@code PUBLIC KEY}. */
	public static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
				+ "-----\n";
	}

}
