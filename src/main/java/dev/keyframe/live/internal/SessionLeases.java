package dev.keyframe.live.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The fenced writes that let instances share a live session (docs/adr/0013): each transcoder instance serves one
 * generation of its session and may write only while that generation is current; a replacement takes the next
 * generation in one statement, so two live instances can never both start one, and a transcoder that wakes up
 * after being replaced finds out at its next heartbeat and leaves.
 */
@Component
public class SessionLeases {

	private final JdbcClient jdbc;

	SessionLeases(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The launcher started generation {@code generation} as {@code transcoderId}. */
	void launched(UUID session, int generation, String transcoderId) {
		jdbc.sql("update live_session set transcoder_id = ? where id = ? and transcoder_generation = ?")
			.params(transcoderId, session, generation)
			.update();
	}

	/**
	 * The transcoder instance is up and takes the relay at {@code endpoint}.
	 * @return false when this generation is no longer the session's (it was replaced, or the session ended)
	 */
	boolean register(UUID session, int generation, String owner, String endpoint, String workDir, Instant now) {
		return jdbc.sql("""
				update live_session set transcoder_endpoint = ?, owner = ?, work_dir = ?, heartbeat_at = ?
				where id = ? and transcoder_generation = ? and state <> 'ENDED'""")
			.params(endpoint, owner, workDir, Timestamp.from(now), session, generation)
			.update() == 1;
	}

	/**
	 * The transcoder's heartbeat, with what it measures.
	 * @return false when this generation is no longer current: the transcoder must stop at once
	 */
	boolean beat(UUID session, int generation, Beat beat, Instant now) {
		return jdbc.sql("""
				update live_session set heartbeat_at = ?, manifest_age_ms = ?, stale = ?, ingest_bytes = ?,
				    ingest_bitrate = coalesce(?, ingest_bitrate), last_data_at = case when ? then ? else last_data_at end,
				    encoder_pid = ?, outputs = ?
				where id = ? and transcoder_generation = ? and state <> 'ENDED'""")
			.params(Timestamp.from(now), beat.manifestAgeMs(), beat.stale(), beat.bytes(), beat.bitrate(),
					beat.fed(), Timestamp.from(now), beat.encoderPid(), beat.outputs(), session, generation)
			.update() == 1;
	}

	/**
	 * Takes the next generation, if {@code generation} is still the current one: only one instance replaces a lost
	 * transcoder.
	 * @return the new generation, or empty when another instance got there first or the session ended
	 */
	Optional<Integer> replace(UUID session, int generation, Instant now, boolean restart) {
		int updated = jdbc.sql("""
				update live_session set transcoder_generation = transcoder_generation + 1, transcoder_endpoint = null,
				    transcoder_id = null, encoder_pid = null, heartbeat_at = ?,
				    transcoder_restarts = transcoder_restarts + ?
				where id = ? and transcoder_generation = ? and state <> 'ENDED'""")
			.params(Timestamp.from(now), restart ? 1 : 0, session, generation)
			.update();
		return updated == 1 ? Optional.of(generation + 1) : Optional.empty();
	}

	/** The live instance relaying the feed is still there. */
	void ingestBeat(UUID session, String instance, Instant now) {
		jdbc.sql("update live_session set ingest_heartbeat_at = ? where id = ? and ingest_instance = ? and state <> 'ENDED'")
			.params(Timestamp.from(now), session, instance)
			.update();
	}

	/**
	 * @param fed whether feed bytes arrived since the last beat
	 * @param outputs the RTMP outputs, one {@code up|pid|target} line each
	 */
	record Beat(@Nullable Long manifestAgeMs, boolean stale, long bytes, @Nullable Long bitrate, boolean fed,
			@Nullable Long encoderPid, @Nullable String outputs) {
	}

}
