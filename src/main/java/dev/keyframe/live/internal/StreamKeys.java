package dev.keyframe.live.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Stream keys: 160 random bits, shown once; only their SHA-256 is stored, so a database leak lets no one in. The SRT
 * passphrase issued with each key is stored as it is (libsrt needs it), so it alone lets no one in: a feed needs the
 * key too.
 */
public final class StreamKeys {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final char[] ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

	private StreamKeys() {
	}

	/** {@code live_} and 28 characters that survive copying by hand (no 0/O, 1/l/I). */
	public static String generate() {
		StringBuilder key = new StringBuilder("live_");
		for (int i = 0; i < 28; i++) {
			key.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
		}
		return key.toString();
	}

	/**
	 * An SRT passphrase: 32 characters of the same alphabet (about 187 bits; SRT takes 10 to 79 characters), safe in
	 * a URL's query as it is.
	 */
	public static String passphrase() {
		StringBuilder passphrase = new StringBuilder();
		for (int i = 0; i < 32; i++) {
			passphrase.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
		}
		return passphrase.toString();
	}

	public static String hash(String key) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public static String prefix(String key) {
		return key.substring(0, Math.min(key.length(), 9));
	}

}
