package dev.keyframe.transcode.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.keyframe.catalog.TranscodeWork.JobCounts;

/**
 * The races between workers, settled by PostgreSQL: claiming a job (with its encode group), renewing a lease,
 * and finishing only while still holding the lease (a fence, so a worker that lost its lease cannot overwrite
 * the one that took over). Leases are in the database's time, so workers' clocks do not matter. Callers run
 * these inside a transaction.
 */
@Component
public class JobStore {

	private final JdbcClient jdbc;

	JobStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The job a message names, with every job of its encode group locked for the rest of the transaction (in id
	 * order, so concurrent claims queue up instead of each taking part of the group).
	 */
	public Optional<JobRow> lock(UUID jobId) {
		return jdbc.sql("""
				select id, asset_id, encode_group, state, attempts, lease_until > now() as lease_live, error
				from transcode_job
				where (asset_id, encode_group) = (select asset_id, encode_group from transcode_job where id = :id)
				order by id for update""")
			.param("id", jobId)
			.query((rs, n) -> new JobRow(rs.getObject("id", UUID.class), rs.getObject("asset_id", UUID.class),
					rs.getInt("encode_group"), rs.getString("state"), rs.getInt("attempts"), rs.getBoolean("lease_live"),
					rs.getString("error")))
			.list()
			.stream()
			.filter(row -> row.id().equals(jobId))
			.findFirst();
	}

	/** The asset a job belongs to, if the job exists. */
	public Optional<UUID> assetOf(UUID jobId) {
		return jdbc.sql("select asset_id from transcode_job where id = :id").param("id", jobId).query(UUID.class).optional();
	}

	/**
	 * The most urgent encode group of the asset below {@code group} that waits for a worker without a retry's
	 * backoff: pending and never tried, or running on a lease that ran out (its worker died, perhaps while another
	 * group's message carried it).
	 */
	public Optional<Integer> untriedGroupBefore(UUID asset, int group, int maxAttempts) {
		return jdbc.sql("""
				select min(encode_group) from transcode_job
				where asset_id = :asset and encode_group < :grp and attempts < :max
				  and ((state = 'PENDING' and attempts = 0) or (state = 'RUNNING' and lease_until < now()))""")
			.param("asset", asset)
			.param("grp", group)
			.param("max", maxAttempts)
			.query((rs, n) -> rs.getObject(1) == null ? -1 : rs.getInt(1))
			.list()
			.stream()
			.filter(g -> g >= 0)
			.findFirst();
	}

	/**
	 * Claims the job and whichever jobs of its encode group are free (pending, or running on an expired lease),
	 * counting an attempt on each. Call after {@link #lock}. Returns the claimed ids.
	 */
	public List<UUID> claimGroup(JobRow job, String owner, Duration lease, int maxAttempts) {
		return jdbc.sql("""
				update transcode_job set state = 'RUNNING', lease_owner = :owner,
				       lease_until = now() + make_interval(secs => :lease),
				       attempts = attempts + 1, started_at = now(), progress = 0
				where asset_id = :asset and encode_group = :grp and attempts < :max
				  and (state = 'PENDING' or (state = 'RUNNING' and lease_until < now()))
				returning id""")
			.param("owner", owner)
			.param("lease", lease.toMillis() / 1000.0)
			.param("asset", job.assetId())
			.param("grp", job.group())
			.param("max", maxAttempts)
			.query(UUID.class)
			.list();
	}

	/** Renews the lease and records progress; returns how many of the jobs this owner still holds. */
	public int renew(Collection<UUID> jobs, String owner, Duration lease, double progress) {
		return jdbc.sql("""
				update transcode_job set lease_until = now() + make_interval(secs => :lease),
				       progress = greatest(progress, :progress)
				where id in (:ids) and lease_owner = :owner and state = 'RUNNING'""")
			.param("lease", lease.toMillis() / 1000.0)
			.param("progress", progress)
			.param("ids", jobs)
			.param("owner", owner)
			.update();
	}

	/**
	 * Marks the job DONE with the segments it stored, if this owner still holds it; false means another worker
	 * took it over.
	 */
	public boolean finish(UUID job, String owner, Instant now, StoredSegments stored) {
		return segments(jdbc.sql("""
				update transcode_job set state = 'DONE', progress = 1, error = null, finished_at = :now,
				       lease_owner = null, lease_until = null, first_segment = :first, segments = :segments,
				       stored_bytes = :bytes, peak_bps = :peak
				where id = :id and lease_owner = :owner and state = 'RUNNING'""")
			.param("now", Timestamp.from(now)), job, owner, stored)
			.update() == 1;
	}

	/** Records the segments a running job has stored so far, if this owner still holds it. */
	public boolean storeSegments(UUID job, String owner, StoredSegments stored) {
		return segments(jdbc.sql("""
				update transcode_job set first_segment = :first, segments = :segments, stored_bytes = :bytes,
				       peak_bps = :peak
				where id = :id and lease_owner = :owner and state = 'RUNNING'"""), job, owner, stored)
			.update() == 1;
	}

	/** Binds a fenced segment update: the job, its owner, and what it stored. */
	private static JdbcClient.StatementSpec segments(JdbcClient.StatementSpec statement, UUID job, String owner,
			StoredSegments stored) {
		return statement.param("id", job)
			.param("owner", owner)
			.param("first", stored.first())
			.param("segments", stored.durationsText())
			.param("bytes", stored.bytes())
			.param("peak", stored.peakBps());
	}

	/**
	 * Serialises, until the transaction ends, every change to the asset's stored chunks and published playlists
	 * (a transaction-level advisory lock, taken before any row lock, so no two orders of row locks can meet).
	 */
	public void lockAsset(UUID asset) {
		jdbc.sql("select pg_advisory_xact_lock(:kind, :key)")
			.param("kind", 0x4B46)
			.param("key", (int) (asset.getMostSignificantBits() ^ asset.getLeastSignificantBits()
					^ (asset.getLeastSignificantBits() >>> 32)))
			.query((rs, n) -> 1)
			.list();
	}

	/** Every chunk of one rendition of the asset, in order, with what each has stored. */
	public List<ChunkRow> chunks(UUID asset, String profile) {
		return jdbc.sql("""
				select chunk, state, encode_group, first_segment, segments, stored_bytes, peak_bps
				from transcode_job where asset_id = :asset and profile = :profile order by chunk""")
			.param("asset", asset)
			.param("profile", profile)
			.query((rs, n) -> new ChunkRow(rs.getInt("chunk"), rs.getString("state"), rs.getInt("encode_group"),
					new StoredSegments(rs.getInt("first_segment"), StoredSegments.parseDurations(rs.getString("segments")),
							rs.getLong("stored_bytes"), rs.getLong("peak_bps"))))
			.list();
	}

	/** Ends the job FAILED with a reason; fenced on the owner unless {@code owner} is null. */
	public boolean fail(UUID job, @Nullable String owner, String reason, Instant now) {
		return jdbc.sql("""
				update transcode_job set state = 'FAILED', error = :error, finished_at = :now,
				       lease_owner = null, lease_until = null
				where id = :id and state <> 'DONE' and (cast(:owner as varchar) is null or lease_owner = :owner)""")
			.param("error", reason)
			.param("now", Timestamp.from(now))
			.param("id", job)
			.param("owner", owner)
			.update() == 1;
	}

	/**
	 * Puts the job back to PENDING for another attempt, keeping the reason the last one failed; {@code refund}
	 * gives back the attempt (the worker stopped, the job did not fail).
	 */
	public boolean requeue(UUID job, @Nullable String owner, @Nullable String reason, boolean refund, Instant now) {
		return jdbc.sql("""
				update transcode_job set state = 'PENDING', error = coalesce(:error, error), dispatched_at = :now,
				       attempts = case when :refund then greatest(attempts - 1, 0) else attempts end,
				       lease_owner = null, lease_until = null
				where id = :id and state <> 'DONE' and (cast(:owner as varchar) is null or lease_owner = :owner)""")
			.param("refund", refund)
			.param("error", reason)
			.param("now", Timestamp.from(now))
			.param("id", job)
			.param("owner", owner)
			.update() == 1;
	}

	/** Failed jobs of an asset back to PENDING with a fresh attempt budget. */
	public List<UUID> resetFailed(UUID asset, Instant now) {
		return jdbc.sql("""
				update transcode_job set state = 'PENDING', attempts = 0, progress = 0, dispatched_at = :now,
				       finished_at = null
				where asset_id = :asset and state = 'FAILED' returning id""")
			.param("asset", asset)
			.param("now", Timestamp.from(now))
			.query(UUID.class)
			.list();
	}

	/** Running jobs whose worker stopped renewing its lease {@code grace} ago: back to PENDING, to be queued again. */
	public List<UUID> releaseAbandoned(Duration grace, Instant now) {
		return jdbc.sql("""
				update transcode_job set state = 'PENDING', dispatched_at = :now, lease_owner = null, lease_until = null,
				       error = coalesce(error, 'The worker running this job stopped responding.')
				where state = 'RUNNING' and lease_until < now() - make_interval(secs => :grace) returning id""")
			.param("grace", grace.toMillis() / 1000.0)
			.param("now", Timestamp.from(now))
			.query(UUID.class)
			.list();
	}

	/** Pending jobs whose message was sent long ago (and may be lost): marked as sent again now. */
	public List<UUID> redispatchStale(Instant before, Instant now) {
		return jdbc.sql("""
				update transcode_job set dispatched_at = :now
				where state = 'PENDING' and dispatched_at < :before returning id""")
			.param("before", Timestamp.from(before))
			.param("now", Timestamp.from(now))
			.query(UUID.class)
			.list();
	}

	public JobCounts counts(UUID asset) {
		return jdbc.sql("""
				select count(*) as total,
				       count(*) filter (where state = 'DONE') as done,
				       count(*) filter (where state = 'FAILED') as failed,
				       (select error from transcode_job f where f.asset_id = :asset and f.state = 'FAILED'
				        order by f.finished_at limit 1) as first_error
				from transcode_job where asset_id = :asset""")
			.param("asset", asset)
			.query((rs, n) -> new JobCounts(rs.getInt("total"), rs.getInt("done"), rs.getInt("failed"),
					rs.getString("first_error")))
			.single();
	}

	/** Mean job progress (done jobs count as 1) per asset. */
	public java.util.Map<UUID, Double> progress(Collection<UUID> assets) {
		if (assets.isEmpty()) {
			return java.util.Map.of();
		}
		java.util.Map<UUID, Double> progress = new java.util.HashMap<>();
		jdbc.sql("""
				select asset_id, avg(case when state = 'DONE' then 1.0 else progress end) as progress
				from transcode_job where asset_id in (:assets) group by asset_id""")
			.param("assets", assets)
			.query((rs, n) -> progress.put(rs.getObject("asset_id", UUID.class), rs.getDouble("progress")))
			.list();
		return progress;
	}

	public List<StateCount> countByState() {
		return jdbc.sql("select state, count(*) as n from transcode_job group by state")
			.query((rs, n) -> new StateCount(rs.getString("state"), rs.getLong("n")))
			.list();
	}

	public record JobRow(UUID id, UUID assetId, int group, String state, int attempts, boolean leaseLive,
			@Nullable String error) {
	}

	public record StateCount(String state, long count) {
	}

	/** One chunk of a rendition: its job's state and group, and the segments it stored (DONE, or so far). */
	public record ChunkRow(int chunk, String state, int group, StoredSegments stored) {
	}

}
