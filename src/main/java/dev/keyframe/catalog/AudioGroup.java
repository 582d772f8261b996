package dev.keyframe.catalog;

/**
 * The audio group of a video asset: one audio rendition per audio stream of its source, which every video rendition
 * names ({@code AUDIO="audio"} in the master playlist), so a viewer chooses the language and the player the picture.
 */
public final class AudioGroup {

	/** The group's id, and the profile of the rendition of the source's first audio stream. */
	public static final String ID = "audio";

	private AudioGroup() {
	}

	/** The profile of the rendition of the source's audio stream {@code stream} ({@code 0:a:stream}). */
	public static String profile(int stream) {
		return stream == 0 ? ID : ID + "-" + stream;
	}

	/** Which of the source's audio streams a rendition of the group is made from; -1 when it is not of the group. */
	public static int stream(String profile) {
		if (profile.equals(ID)) {
			return 0;
		}
		if (profile.startsWith(ID + "-")) {
			try {
				int stream = Integer.parseInt(profile.substring(ID.length() + 1));
				return stream > 0 ? stream : -1;
			}
			catch (NumberFormatException ex) {
				return -1;
			}
		}
		return -1;
	}

}
