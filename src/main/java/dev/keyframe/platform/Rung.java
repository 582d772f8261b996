package dev.keyframe.platform;

/**
 * One rung of a ladder, VOD or live: a rendition's name, the short side of its picture (so portrait video gets
 * the same rungs; 0 for an audio-only rung) and its bitrates. Written {@code name:shortSide:videoKbps:audioKbps} in
 * configuration.
 *
 * @param name the rendition's name, 1-32 of a-z, 0-9 and '-' (it becomes part of object keys and playlist names)
 * @param shortSide the short side of the picture in pixels, 0 for audio
 * @param videoKbps the video bitrate in kb/s
 * @param audioKbps the audio bitrate in kb/s
 */
public record Rung(String name, int shortSide, int videoKbps, int audioKbps) {

	public Rung {
		if (!name.matches("[a-z0-9-]{1,32}")) {
			throw new IllegalArgumentException("A rung name is 1-32 of a-z, 0-9 and '-': " + name);
		}
	}

	/**
	 * A rung from its configuration form, {@code name:shortSide:videoKbps:audioKbps} ({@code 720p:720:2800:128}).
	 *
	 * @throws IllegalArgumentException when the text is not of that form
	 */
	public static Rung parse(String text) {
		String[] parts = text.strip().split(":");
		if (parts.length != 4) {
			throw new IllegalArgumentException("A rung is name:shortSide:videoKbps:audioKbps, not " + text);
		}
		return new Rung(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), Integer.parseInt(parts[3]));
	}

}
