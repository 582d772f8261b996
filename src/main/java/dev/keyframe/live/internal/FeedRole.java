package dev.keyframe.live.internal;

import java.util.Locale;

/**
 * Which of a channel's two feeds a connection is. A broadcaster sends the backup with the same stream key and
 * {@code -backup} after it ({@code live_XXXX-backup}); a key alone is the primary. The key alphabet has no dash, so the
 * suffix cannot be part of a key.
 */
public enum FeedRole {

	PRIMARY, BACKUP;

	static final String BACKUP_SUFFIX = "-backup";

	/** The role a presented key asks for. */
	public static FeedRole of(String presented) {
		return presented.endsWith(BACKUP_SUFFIX) ? BACKUP : PRIMARY;
	}

	/** The stream key without its role. */
	public static String key(String presented) {
		return presented.endsWith(BACKUP_SUFFIX)
				? presented.substring(0, presented.length() - BACKUP_SUFFIX.length()) : presented;
	}

	/** The key a broadcaster presents for this role. */
	public String present(String key) {
		return this == BACKUP ? key + BACKUP_SUFFIX : key;
	}

	FeedRole other() {
		return this == PRIMARY ? BACKUP : PRIMARY;
	}

	String label() {
		return name().toLowerCase(Locale.ROOT);
	}

}
