package dev.keyframe.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.keyframe.catalog.AssetAudit;
import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetRetention;
import dev.keyframe.catalog.AssetRetention.Outcome;
import dev.keyframe.platform.NotFound;
import dev.keyframe.retention.Plan.Step;
import dev.keyframe.retention.internal.Actions;
import dev.keyframe.retention.internal.LifecycleAction;
import dev.keyframe.retention.internal.LifecycleRun;
import dev.keyframe.retention.internal.Planner;
import dev.keyframe.retention.internal.RetentionRule;
import dev.keyframe.retention.internal.Rules;
import dev.keyframe.retention.internal.Runs;
import dev.keyframe.upload.Uploads;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Retention's use cases: the rules, the dry run, the lifecycle run and its history.
 * <p>
 * A run holds a PostgreSQL advisory lock for its whole length, on a connection of its own: a second run, on this
 * instance or any other, finds the lock taken and does nothing; a crashed instance's connection closes and frees
 * it. A run works from a fresh plan, so a run that stopped halfway is finished by the next; every action is
 * idempotent and re-checks the asset under its row lock.
 */
@Service
public class Lifecycle implements AssetAudit {

	private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

	/** The advisory lock's key: "KFLC". */
	private static final long LOCK = 0x4B464C43L;

	private final Rules rules;

	private final Runs runs;

	private final Actions actions;

	private final Planner planner;

	private final AssetRetention assets;

	private final Uploads uploads;

	private final RetentionSettings settings;

	private final DataSource dataSource;

	private final TransactionTemplate tx;

	private final MeterRegistry meters;

	private final Clock clock;

	Lifecycle(Rules rules, Runs runs, Actions actions, Planner planner, AssetRetention assets, Uploads uploads,
			RetentionSettings settings, DataSource dataSource, TransactionTemplate tx, MeterRegistry meters,
			Optional<Clock> clock) {
		this.rules = rules;
		this.runs = runs;
		this.actions = actions;
		this.planner = planner;
		this.assets = assets;
		this.uploads = uploads;
		this.settings = settings;
		this.dataSource = dataSource;
		this.tx = tx;
		this.meters = meters;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	// rules

	/** In the order they decide. */
	public List<RuleView> rules() {
		return rules.findAllByOrderByPriorityAscCreatedAtAsc().stream().map(RetentionRule::view).toList();
	}

	public RuleView rule(UUID id) {
		return rules.findById(id).map(RetentionRule::view).orElseThrow(() -> noRule(id));
	}

	public RuleView create(RuleForm form, @Nullable String by) {
		RuleForm valid = form.validated();
		return tx.execute(status -> rules.save(new RetentionRule(valid, by, clock.instant())).view());
	}

	public RuleView update(UUID id, RuleForm form, @Nullable String by) {
		RuleForm valid = form.validated();
		return tx.execute(status -> {
			RetentionRule rule = rules.findById(id).orElseThrow(() -> noRule(id));
			rule.update(valid, by, clock.instant());
			return rules.saveAndFlush(rule).view();
		});
	}

	public void delete(UUID id) {
		tx.executeWithoutResult(status -> rules.delete(rules.findById(id).orElseThrow(() -> noRule(id))));
	}

	// dry runs

	/** What a run would do now under the saved rules. */
	public Plan plan() {
		return planner.plan(rules(), clock.instant());
	}

	/**
	 * What a run would do now if {@code draft} were saved: in place of the rule {@code replacing}, or added when
	 * that is null. Nothing is saved.
	 */
	public Plan preview(RuleForm draft, @Nullable UUID replacing) {
		RuleForm valid = draft.validated();
		RuleView drafted = new RuleView(replacing == null ? new UUID(0, 0) : replacing, valid.name(), valid.action(),
				valid.scope(), valid.tag(), valid.after(), valid.storageClass(), valid.maxHeight(), valid.priority(),
				valid.enabled(), clock.instant(), null);
		// in place of the rule it edits, or last as the newest: among equal priorities the older rule decides
		List<RuleView> with = new java.util.ArrayList<>(rules().stream()
			.map(r -> r.id().equals(replacing) ? drafted : r)
			.toList());
		if (replacing == null || with.stream().noneMatch(r -> r == drafted)) {
			with.add(drafted);
		}
		with.sort(java.util.Comparator.comparingInt(RuleView::priority)); // stable
		return planner.plan(with, clock.instant());
	}

	// runs

	/** The nightly run, started by {@link LifecycleSchedule} on scheduler instances. */
	void scheduled() {
		run("SCHEDULED", null, step -> {
		}).ifPresentOrElse(r -> log.info("Lifecycle run {}: {} assets, {} objects, {} bytes, {} errors", r.state(),
				r.assets(), r.objects(), r.bytes(), r.errors()),
				() -> log.info("Lifecycle run skipped: another instance runs it"));
	}

	/**
	 * Runs the rules now, unless another run (here or on another instance) is under way: then nothing happens and
	 * the result is empty. {@code progress} sees every step as it is taken.
	 */
	public Optional<RunView> run(String trigger, @Nullable String by, Consumer<Taken> progress) {
		return run(trigger, by, progress, id -> {
		});
	}

	/** As {@link #run(String, String, Consumer)}, telling {@code started} the run's id once it holds the lock. */
	public Optional<RunView> run(String trigger, @Nullable String by, Consumer<Taken> progress, Consumer<UUID> started) {
		try (Connection lock = dataSource.getConnection()) {
			lock.setAutoCommit(true);
			if (!advisory(lock, "select pg_try_advisory_lock(?)")) {
				meters.counter("keyframe.retention.runs", "outcome", "skipped").increment();
				return Optional.empty();
			}
			try {
				return Optional.ofNullable(locked(lock, trigger, by, progress, started));
			}
			finally {
				advisory(lock, "select pg_advisory_unlock(?)");
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("The lifecycle lock could not be taken: " + ex.getMessage(), ex);
		}
	}

	private @Nullable RunView locked(Connection lock, String trigger, @Nullable String by, Consumer<Taken> progress,
			Consumer<UUID> started) {
		Instant now = clock.instant();
		if (trigger.equals("SCHEDULED") && runs.existsByTriggerAndStartedAtAfter(trigger, now.minus(Duration.ofMinutes(10)))) {
			return null; // another instance's schedule fired first
		}
		LifecycleRun run = tx.execute(status -> {
			interrupted();
			return runs.save(new LifecycleRun(trigger, by, now));
		});
		started.accept(run.id());
		Tally tally = new Tally();
		try {
			int[] planned = { 0 };
			Consumer<Taken> took = one -> {
				tally.add(one);
				count(one);
				progress.accept(one);
			};
			// each batch of assets is planned and then acted on at once, so no action rests on a stale decision
			planner.plan(rules(), now, part -> {
				stillLocked(lock);
				planned[0] += part.steps().size();
				run.planned(planned[0]);
				List<Step> deletes = part.steps().stream().filter(step -> step.kind() == StepKind.DELETE_SOURCE).toList();
				for (int from = 0; from < deletes.size(); from += settings.batchSize()) {
					deleteSources(run.id(), deletes.subList(from, Math.min(deletes.size(), from + settings.batchSize())))
						.forEach(took);
				}
				part.steps()
					.stream()
					.filter(step -> step.kind() != StepKind.DELETE_SOURCE)
					.forEach(step -> took.accept(take(run.id(), step)));
				run.progressed(tally.assets.size(), tally.objects, tally.bytes, tally.errors);
				save(run);
			});
			run.progressed(tally.assets.size(), tally.objects, tally.bytes, tally.errors);
			run.ended("DONE", null, clock.instant());
			meters.counter("keyframe.retention.runs", "outcome", "done").increment();
		}
		catch (RuntimeException ex) {
			log.error("Lifecycle run {} failed", run.id(), ex);
			run.progressed(tally.assets.size(), tally.objects, tally.bytes, tally.errors);
			run.ended("FAILED", String.valueOf(ex.getMessage()), clock.instant());
			meters.counter("keyframe.retention.runs", "outcome", "failed").increment();
		}
		save(run);
		return run.view();
	}

	/**
	 * Marks runs that stopped without finishing (their instance died, or lost its database connection) as
	 * INTERRUPTED, ended when their last action did, if the lock is free: then no run is under way anywhere, and a
	 * RUNNING row is one whose instance is gone. Checked at start-up, every minute, and whenever the history is
	 * read, so the history does not show a dead run as running until the next run.
	 * @return how many runs were marked
	 */
	public int markInterrupted() {
		if (runs.findByState(LifecycleRun.RUNNING).isEmpty()) {
			return 0;
		}
		try (Connection lock = dataSource.getConnection()) {
			lock.setAutoCommit(true);
			if (!advisory(lock, "select pg_try_advisory_lock(?)")) {
				return 0; // a run holds it: the RUNNING row may be its own
			}
			try {
				return tx.execute(status -> interrupted());
			}
			finally {
				advisory(lock, "select pg_advisory_unlock(?)");
			}
		}
		catch (SQLException ex) {
			log.warn("Could not check for interrupted lifecycle runs: {}", ex.getMessage());
			return 0;
		}
	}

	@EventListener(ApplicationReadyEvent.class)
	void startedUp() {
		markInterrupted();
	}

	/** Started by {@link LifecycleSchedule} on scheduler instances. */
	void checkInterrupted() {
		markInterrupted();
	}

	/** With the lock held, in a transaction: every RUNNING run is a dead one. */
	private int interrupted() {
		List<LifecycleRun> stale = runs.findByState(LifecycleRun.RUNNING);
		for (LifecycleRun run : stale) {
			Instant last = actions.findFirstByRunIdOrderByAtDesc(run.id()).map(LifecycleAction::at).orElse(run.startedAt());
			run.ended("INTERRUPTED", "Stopped without finishing (its instance stopped or lost the database); the next "
					+ "run takes up its work.", last);
			log.warn("Lifecycle run {} stopped without finishing; its last action ended at {}", run.id(), last);
		}
		return stale.size();
	}

	/** Takes one step; its audit line commits in the same transaction as what it changed. */
	private Taken take(UUID runId, Step step) {
		AtomicReference<Taken> taken = new AtomicReference<>();
		Consumer<Outcome> record = outcome -> taken.set(audit(runId, step, outcome, null));
		try {
			switch (step.kind()) {
				case MOVE_SOURCE -> assets.moveSource(step.asset(), step.storageClass(), settings.copyPartSize().toBytes(),
						record);
				case DROP_RENDITIONS -> assets.dropRenditions(step.asset(), step.profiles(), record);
				case EXPIRE -> assets.expire(step.asset(),
						"Expired by the retention rule \u201C" + step.ruleName() + "\u201D.", record);
				case PURGE -> assets.purge(step.asset(), record);
				case DELETE_SOURCE -> assets.deleteSources(List.of(step.asset()), (id, outcome) -> record.accept(outcome));
				case ABORT_UPLOAD -> {
					if (step.asset() != null && assets.held(step.asset())) {
						tx.executeWithoutResult(status -> record.accept(Outcome.skipped("Its asset is on legal hold.")));
						return taken.get();
					}
					boolean ended = uploads.abortStale(step.upload(), "Not completed within the time the retention rule \u201C"
							+ step.ruleName() + "\u201D allows.");
					tx.executeWithoutResult(status -> record.accept(ended ? Outcome.done(1, step.bytes())
							: Outcome.skipped("It had already ended.")));
				}
			}
			return taken.get();
		}
		catch (RuntimeException ex) {
			return failed(runId, step, ex);
		}
	}

	/** Deletes the sources of a batch together: one S3 batch delete, one transaction, one audit line each. */
	private List<Taken> deleteSources(UUID runId, List<Step> steps) {
		java.util.Map<AssetId, Step> byAsset = new java.util.LinkedHashMap<>();
		steps.forEach(step -> byAsset.put(step.asset(), step));
		java.util.Map<AssetId, Taken> taken = new java.util.HashMap<>();
		try {
			assets.deleteSources(List.copyOf(byAsset.keySet()),
					(id, outcome) -> taken.put(id, audit(runId, byAsset.get(id), outcome, null)));
			return steps.stream().map(step -> taken.get(step.asset())).toList();
		}
		catch (RuntimeException ex) {
			return steps.stream().map(step -> failed(runId, step, ex)).toList();
		}
	}

	private Taken failed(UUID runId, Step step, RuntimeException ex) {
		log.warn("Lifecycle step {} on {} failed: {}", step.kind(), step.asset(), ex.toString());
		String error = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
		return tx.execute(status -> audit(runId, step, Outcome.failed(error), error));
	}

	/** Writes the step's audit line in the current transaction. */
	private Taken audit(UUID runId, Step step, Outcome outcome, @Nullable String failure) {
		String error = failure != null ? failure : outcome.error();
		String result = error != null ? "FAILED" : outcome.done() ? "DONE" : "SKIPPED";
		String detail = outcome.skipped() == null ? step.detail() : step.detail() + " \u2014 " + outcome.skipped();
		actions.save(new LifecycleAction(runId, step.asset() == null ? null : step.asset().value(), step.ruleId(),
				step.ruleName(), step.kind(), detail, outcome.objects(), outcome.bytes(), result, error, clock.instant()));
		return new Taken(step, result, outcome.objects(), outcome.bytes(), error);
	}

	private void count(Taken taken) {
		if (taken.outcome().equals("FAILED")) {
			meters.counter("keyframe.retention.errors", "action", taken.step().kind().name().toLowerCase()).increment();
			return;
		}
		if (taken.outcome().equals("DONE")) {
			String verb = switch (taken.step().kind()) {
				case MOVE_SOURCE -> "moved";
				case ABORT_UPLOAD -> "aborted";
				default -> "deleted";
			};
			meters.counter("keyframe.retention.objects", "action", verb).increment(taken.objects());
			meters.counter("keyframe.retention.bytes", "action", verb).increment(taken.bytes());
		}
	}

	private void save(LifecycleRun run) {
		tx.executeWithoutResult(status -> runs.save(run));
	}

	/** Stops the run if the database no longer holds its lock for it (the lock's connection was cut). */
	private static void stillLocked(Connection lock) {
		try (PreparedStatement statement = lock.prepareStatement("select exists (select 1 from pg_locks where "
				+ "locktype = 'advisory' and granted and pid = pg_backend_pid() and classid = 0 and objid::bigint = ? "
				+ "and objsubid = 1)")) {
			statement.setLong(1, LOCK);
			try (ResultSet result = statement.executeQuery()) {
				if (!result.next() || !result.getBoolean(1)) {
					throw new IllegalStateException("The run lost its lock; another run may have started.");
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("The run lost its lock: " + ex.getMessage(), ex);
		}
	}

	private static boolean advisory(Connection connection, String sql) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setLong(1, LOCK);
			try (ResultSet result = statement.executeQuery()) {
				return result.next() && result.getBoolean(1);
			}
		}
	}

	// history

	public List<RunView> history(int limit) {
		markInterrupted();
		return runs.findAllByOrderByStartedAtDesc(PageRequest.of(0, limit)).map(LifecycleRun::view).getContent();
	}

	public RunView runView(UUID id) {
		markInterrupted();
		return runs.findById(id)
			.map(LifecycleRun::view)
			.orElseThrow(() -> new NotFound("There is no lifecycle run " + id + "."));
	}

	/** What the run did, in order, with the asset each line is about. */
	public List<RunLine> actionsOf(UUID runId) {
		return actions.findByRunIdOrderByAt(runId)
			.stream()
			.map(a -> new RunLine(a.assetId(), a.action(), a.line()))
			.toList();
	}

	@Override
	public List<Line> trail(AssetId asset) {
		return actions.findByAssetIdOrderByAtDesc(asset.value()).stream().map(LifecycleAction::line).toList();
	}

	private static NotFound noRule(UUID id) {
		return new NotFound("There is no retention rule " + id + ".");
	}

	/** One step as a run took it: DONE, SKIPPED (with why, in the audit line) or FAILED. */
	public record Taken(Step step, String outcome, int objects, long bytes, @Nullable String error) {
	}

	/** A line of a run's audit trail. */
	public record RunLine(@Nullable UUID asset, StepKind kind, Line line) {
	}

	private static final class Tally {

		final Set<UUID> assets = new HashSet<>();

		int objects;

		long bytes;

		int errors;

		void add(Taken taken) {
			if (taken.outcome().equals("FAILED")) {
				errors++;
			}
			else if (taken.outcome().equals("DONE")) {
				if (taken.step().asset() != null) {
					assets.add(taken.step().asset().value());
				}
				objects += taken.objects();
				bytes += taken.bytes();
			}
		}

	}

}
