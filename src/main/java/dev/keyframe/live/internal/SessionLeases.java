package dev.keyframe.live.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

	/** The launcher started generation {@code generation} of {@code pipeline} as {@code transcoderId}. */
	void launched(UUID session, Pipeline pipeline, int generation, String transcoderId) {
		jdbc.sql("update live_session set " + pipeline.column("transcoder_id") + " = ? where id = ? and "
				+ pipeline.column("transcoder_generation") + " = ?")
			.params(transcoderId, session, generation)
			.update();
	}

	/**
	 * The transcoder instance is up and takes the relay at {@code endpoint}.
	 * @return false when this generation is no longer the pipeline's (it was replaced, or the session ended)
	 */
	boolean register(UUID session, Pipeline pipeline, int generation, String owner, String endpoint, String workDir,
			Instant now) {
		return jdbc.sql("update live_session set " + pipeline.column("transcoder_endpoint") + " = ?, "
				+ pipeline.column("owner") + " = ?, " + pipeline.column("work_dir") + " = ?, "
				+ pipeline.column("heartbeat_at") + " = ? where id = ? and " + pipeline.column("transcoder_generation")
				+ " = ? and state <> 'ENDED'")
			.params(endpoint, owner, workDir, Timestamp.from(now), session, generation)
			.update() == 1;
	}

	/**
	 * The transcoder's heartbeat, with what it measures. What the session's viewers see (manifest age, the stale
	 * alarm, the feed's bitrate) is the publishing pipeline's to report; the RTMP outputs are pipeline A's.
	 * @param publishing whether this pipeline publishes the session (always, with one pipeline)
	 * @return false when this generation is no longer current: the transcoder must stop at once
	 */
	boolean beat(UUID session, Pipeline pipeline, int generation, Beat beat, boolean publishing, Instant now) {
		StringBuilder sql = new StringBuilder("update live_session set ").append(pipeline.column("heartbeat_at"))
			.append(" = ?, ").append(pipeline.column("encoder_pid")).append(" = ?, ")
			.append(pipeline.column("newest_segment")).append(" = ?");
		List<Object> params = new ArrayList<>(List.of(Timestamp.from(now)));
		params.add(beat.encoderPid());
		params.add(beat.newestSegment());
		if (publishing) {
			sql.append(", manifest_age_ms = ?, stale = ?, ingest_bytes = ?, ingest_bitrate = coalesce(?, ingest_bitrate),"
					+ " last_data_at = case when ? then ? else last_data_at end");
			params.addAll(java.util.Arrays.asList(beat.manifestAgeMs(), beat.stale(), beat.bytes(), beat.bitrate(),
					beat.fed(), Timestamp.from(now)));
		}
		if (pipeline == Pipeline.A) {
			sql.append(", outputs = ?");
			params.add(beat.outputs());
		}
		sql.append(" where id = ? and ").append(pipeline.column("transcoder_generation")).append(" = ? and state <> 'ENDED'");
		params.add(session);
		params.add(generation);
		return jdbc.sql(sql.toString()).params(params).update() == 1;
	}

	/**
	 * Takes the next generation of {@code pipeline}, if {@code generation} is still the current one: only one
	 * instance replaces a lost transcoder.
	 * @return the new generation, or empty when another instance got there first or the session ended
	 */
	Optional<Integer> replace(UUID session, Pipeline pipeline, int generation, Instant now, boolean restart) {
		String gen = pipeline.column("transcoder_generation");
		int updated = jdbc.sql("update live_session set " + gen + " = " + gen + " + 1, "
				+ pipeline.column("transcoder_endpoint") + " = null, " + pipeline.column("transcoder_id") + " = null, "
				+ pipeline.column("encoder_pid") + " = null, " + pipeline.column("newest_segment") + " = null, "
				+ pipeline.column("heartbeat_at") + " = ?, transcoder_restarts = transcoder_restarts + ?"
				+ " where id = ? and " + gen + " = ? and state <> 'ENDED'")
			.params(Timestamp.from(now), restart ? 1 : 0, session, generation)
			.update();
		return updated == 1 ? Optional.of(generation + 1) : Optional.empty();
	}

	/**
	 * The publishing pipeline claims its newest segment before it lists it, fenced: a pipeline that lost the
	 * publication (the other took over while it stalled) learns it here and lists nothing more.
	 * @return false when {@code pipeline} does not publish the session (any more)
	 */
	boolean claim(UUID session, Pipeline pipeline, int generation, PipelineNumbering.Anchor anchor) {
		// the database's clock: the pipeline that takes over compares with it, whatever its own host's says
		return jdbc.sql("update live_session set published_segment = ?, published_pts = ?, published_date = ?, "
				+ "published_timeline = ?, published_at = now() where id = ? and publisher = ? and "
				+ pipeline.column("transcoder_generation") + " = ? and state <> 'ENDED'")
			.params(anchor.segment(), anchor.pts(), Timestamp.from(anchor.date()), anchor.timeline(), session,
					pipeline.name(), generation)
			.update() == 1;
	}

	/**
	 * {@code pipeline} takes the publication over, if the publishing pipeline claimed nothing for {@code stalled}
	 * (by the database's clock, which wrote the claims): one statement, so the two pipelines never both take it.
	 * @return whether it publishes now
	 */
	boolean takeOver(UUID session, Pipeline pipeline, int generation, java.time.Duration stalled) {
		return jdbc.sql("update live_session set publisher = ?, published_at = now() where id = ? and publisher <> ? and "
				+ pipeline.column("transcoder_generation") + " = ? and coalesce(published_at, started_at) < now() - "
				+ "make_interval(secs => ?) and state <> 'ENDED'")
			.params(pipeline.name(), session, pipeline.name(), generation, stalled.toMillis() / 1000.0)
			.update() == 1;
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
	 * @param newestSegment the pipeline's newest segment by the session's numbering, null while not in step
	 */
	record Beat(@Nullable Long manifestAgeMs, boolean stale, long bytes, @Nullable Long bitrate, boolean fed,
			@Nullable Long encoderPid, @Nullable String outputs, @Nullable Long newestSegment) {
	}

}
