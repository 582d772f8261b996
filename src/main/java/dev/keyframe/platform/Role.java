package dev.keyframe.platform;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an instance of the one deployable does, chosen by {@code keyframe.roles} (env {@code KEYFRAME_ROLES}).
 * Every role serves health and metrics; see docs/fleet.md.
 */
public enum Role {

	/** Pages, the REST API, playback grants. */
	WEB,

	/** Transcode jobs from the queue. */
	WORKER,

	/** Live ingest (HTTP, RTMP), admission by stream key, the session monitor that keeps transcoders running. */
	LIVE,

	/** One live stream's transcoder: started per stream by a live instance, gone when the stream ends. */
	TRANSCODER,

	/** Retention runs and sweepers: work that needs one instance, or a few, not every one. */
	SCHEDULER;

	/** What {@code ops/keyframe run} starts when no roles are given: the whole platform in one process. */
	public static final String DEFAULT = "web,worker,live,scheduler";

	/**
	 * Reads a comma-separated list ({@code web,worker}); {@code none} (or nothing) is no role at all, as the
	 * stand-ins' own process runs.
	 * @throws IllegalArgumentException naming the unknown role and the known ones
	 */
	public static Set<Role> parse(String list) {
		EnumSet<Role> roles = EnumSet.noneOf(Role.class);
		for (String name : list.split(",")) {
			String trimmed = name.strip().toUpperCase(Locale.ROOT);
			if (trimmed.isEmpty() || trimmed.equals("NONE")) {
				continue;
			}
			try {
				roles.add(Role.valueOf(trimmed));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("keyframe.roles: unknown role '" + name.strip() + "'; the roles are "
						+ Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", ")) + " (or none)");
			}
		}
		return roles;
	}

	public String label() {
		return name().toLowerCase(Locale.ROOT);
	}

}
