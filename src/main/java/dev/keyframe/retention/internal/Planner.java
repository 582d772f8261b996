package dev.keyframe.retention.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AssetOrigin;
import dev.keyframe.catalog.AssetRetention;
import dev.keyframe.catalog.AssetRetention.Candidate;
import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.platform.ObjectStorage.Listed;
import dev.keyframe.retention.Plan;
import dev.keyframe.retention.Plan.Step;
import dev.keyframe.retention.RetentionSettings;
import dev.keyframe.retention.RuleAction;
import dev.keyframe.retention.RuleView;
import dev.keyframe.retention.StepKind;
import dev.keyframe.retention.StorageClasses;
import dev.keyframe.upload.Uploads;
import dev.keyframe.upload.Uploads.StaleUpload;

/**
 * Works out what the rules call for now, from what the database and the bucket hold: a pure function of that
 * state and the time, so a dry run and the run after it agree, and a run that stopped halfway leaves a state whose
 * plan is exactly the rest of its work.
 * <p>
 * For each kind of action, the enabled rule with the lowest priority number whose scope matches an asset decides
 * (whether or not it is due yet): a rule for assets tagged {@code keep} at priority 1 overrides the default for
 * everything at priority 100. The two expiry actions are decided together. Expiry wins over everything else;
 * deleting the source wins over moving it; a source in an archive class is not moved again.
 */
@Component
public class Planner {

	private static final String FINISH_EXPIRY = "Finishing an interrupted expiry";

	/** Classes S3 cannot copy from without a restore. */
	private static final Set<String> ARCHIVED = Set.of("GLACIER", "DEEP_ARCHIVE");

	private final AssetRetention assets;

	private final Objects listed;

	private final Uploads uploads;

	private final RetentionSettings settings;

	Planner(AssetRetention assets, Uploads uploads, RetentionSettings settings) {
		this.assets = assets;
		this.listed = new Objects() {

			@Override
			public List<Listed> all(AssetId id) {
				return assets.allObjects(id);
			}

			@Override
			public List<Listed> source(AssetId id) {
				return assets.sourceObjects(id);
			}

			@Override
			public List<Listed> renditions(AssetId id, List<String> profiles) {
				return assets.renditionObjects(id, profiles);
			}

		};
		this.uploads = uploads;
		this.settings = settings;
	}

	/** What {@code rules} (in decision order) call for at {@code now}; disabled rules are left out here. */
	public Plan plan(List<RuleView> rules, Instant now) {
		List<Step> steps = new ArrayList<>();
		int[] left = new int[2];
		plan(rules, now, part -> {
			steps.addAll(part.steps());
			left[0] += part.held();
			left[1] += part.busy();
		});
		return new Plan(now, List.copyOf(steps), left[0], left[1]);
	}

	/**
	 * The same plan, a batch of assets at a time ({@code keyframe.retention.batch-size}), the unfinished uploads
	 * last: a run acts on each part as soon as it is planned, so what it does was decided moments before, not at
	 * the start of a long run.
	 */
	public void plan(List<RuleView> rules, Instant now, Consumer<Plan> parts) {
		List<RuleView> active = rules.stream()
			.filter(RuleView::enabled)
			.sorted(Comparator.comparingInt(RuleView::priority))
			.toList();
		UUID after = null;
		while (true) {
			List<Candidate> page = assets.candidates(after, settings.batchSize());
			if (page.isEmpty()) {
				break;
			}
			after = page.getLast().id().value();
			Set<AssetId> working = assets.busy(page.stream()
				.filter(c -> !c.removed() && !c.held() && c.status() != AssetStatus.UPLOADING)
				.map(Candidate::id)
				.toList());
			List<Step> steps = new ArrayList<>();
			int held = 0;
			int busy = 0;
			for (Candidate c : page) {
				boolean leftAlone = c.held() || working.contains(c.id());
				// an asset left alone is only counted: its objects are not listed
				List<Step> wanted = steps(c, active, now, leftAlone ? Objects.UNLISTED : listed);
				if (wanted.isEmpty()) {
					continue;
				}
				if (c.held()) {
					held++;
				}
				else if (leftAlone) {
					busy++;
				}
				else {
					steps.addAll(wanted);
				}
			}
			parts.accept(new Plan(now, steps, held, busy));
		}
		List<Step> aborts = new ArrayList<>();
		int[] held = new int[1];
		decide(active, Set.of(RuleAction.ABORT_UPLOADS), null).ifPresent(rule -> {
			for (StaleUpload upload : uploads.staleSince(now.minus(Duration.ofHours(rule.after())), 1000)) {
				// the run skips an upload whose asset is on legal hold: so does its plan, counting it as left alone
				if (upload.assetId() != null && assets.held(new AssetId(upload.assetId()))) {
					held[0]++;
					continue;
				}
				aborts.add(new Step(rule.id(), rule.name(), StepKind.ABORT_UPLOAD, upload.assetId() == null ? null
						: new AssetId(upload.assetId()), upload.filename(),
						(upload.sessionId() == null ? "Multipart upload no session knows" : "Upload") + " started "
								+ upload.startedAt().toString().substring(0, 16).replace('T', ' ') + " UTC",
						1, upload.storedBytes(), null, List.of(), upload));
			}
		});
		parts.accept(new Plan(now, aborts, held[0], 0));
	}

	private List<Step> steps(Candidate c, List<RuleView> rules, Instant now, Objects objects) {
		if (c.removed()) {
			return List.of(step(null, c, FINISH_EXPIRY, objects.all(c.id()), null, List.of(),
					StepKind.PURGE));
		}
		if (c.status() == AssetStatus.UPLOADING || c.status() == AssetStatus.PROCESSING || c.onAir()) {
			return List.of();
		}
		Instant ready = c.status() == AssetStatus.READY ? c.readyAt() : null;
		// the two expiry rules are one decision: a "keep tagged assets ten years" rule at priority 1 overrides an
		// "expire what nobody watched for 90 days" rule at priority 100
		Instant unwatchedSince = c.lastPlayedAt() != null ? c.lastPlayedAt()
				: c.readyAt() != null ? c.readyAt() : c.createdAt();
		Optional<RuleView> expire = decide(rules, EXPIRY, c)
			.filter(rule -> due(rule.action() == RuleAction.EXPIRE_AFTER_CREATED ? c.createdAt() : unwatchedSince, rule,
					now));
		if (expire.isPresent()) {
			RuleView rule = expire.get();
			return List.of(step(rule, c,
					rule.action() == RuleAction.EXPIRE_AFTER_CREATED ? "Uploaded " + day(c.createdAt())
							: c.lastPlayedAt() == null ? "Never played" : "Last played " + day(c.lastPlayedAt()),
					objects.all(c.id()), null, List.of(), StepKind.EXPIRE));
		}
		List<Step> steps = new ArrayList<>();
		if (c.sourcePresent()) {
			Optional<RuleView> delete = decide(rules, Set.of(RuleAction.DELETE_SOURCE), c)
				.filter(rule -> ready != null && due(ready, rule, now));
			Optional<RuleView> move = decide(rules, Set.of(RuleAction.MOVE_SOURCE), c)
				.filter(rule -> due(c.createdAt(), rule, now) && rule.storageClass() != null
						&& StorageClasses.coldness(rule.storageClass()) > StorageClasses.coldness(c.sourceStorageClass()));
			if (delete.isPresent()) {
				steps.add(step(delete.get(), c, "Ready since " + day(ready),
						objects.source(c.id()), null, List.of(), StepKind.DELETE_SOURCE));
			}
			else if (move.isPresent() && !ARCHIVED.contains(c.sourceStorageClass())) {
				List<Listed> source = objects.source(c.id());
				if (!source.isEmpty()) { // an upload that never completed has nothing to move
					steps.add(step(move.get(), c, c.sourceStorageClass() + " \u2192 " + move.get().storageClass(), source,
							move.get().storageClass(), List.of(), StepKind.MOVE_SOURCE));
				}
			}
		}
		decide(rules, Set.of(RuleAction.DROP_RENDITIONS), c).filter(rule -> ready != null && due(ready, rule, now))
			.ifPresent(rule -> {
				List<String> profiles = dropped(c.renditions(), rule.maxHeight() == null ? Integer.MAX_VALUE : rule.maxHeight());
				if (!profiles.isEmpty()) {
					steps.add(step(rule, c, String.join(", ", profiles),
							objects.renditions(c.id(), profiles), null, profiles, StepKind.DROP_RENDITIONS));
				}
			});
		return steps;
	}

	/** Where a step's objects come from: the bucket, or (for assets only counted) nowhere. */
	private interface Objects {

		/** For assets a rule would act on but that are left alone: the source is taken to be there, nothing is listed. */
		Objects UNLISTED = new Objects() {

			@Override
			public List<Listed> all(AssetId id) {
				return List.of();
			}

			@Override
			public List<Listed> source(AssetId id) {
				return List.of(new Listed(AssetKeys.source(id), 0, null));
			}

			@Override
			public List<Listed> renditions(AssetId id, List<String> profiles) {
				return List.of();
			}

		};

		List<Listed> all(AssetId id);

		List<Listed> source(AssetId id);

		List<Listed> renditions(AssetId id, List<String> profiles);

	}

	/** The video renditions taller than {@code maxHeight}, always keeping the shortest video rendition. */
	static List<String> dropped(List<RenditionSpec> renditions, int maxHeight) {
		List<RenditionSpec> video = renditions.stream()
			.filter(r -> r.kind() == RenditionKind.VIDEO)
			.sorted(Comparator.comparingInt(RenditionSpec::height))
			.toList();
		return video.stream().skip(1).filter(r -> r.height() > maxHeight).map(RenditionSpec::profile).toList();
	}

	/** The rule that decides this kind of action for the asset (null: for uploads), whether or not it is due. */
	static Optional<RuleView> decide(List<RuleView> rules, Set<RuleAction> actions, @Nullable Candidate c) {
		return rules.stream().filter(r -> actions.contains(r.action()) && (c == null || matches(r, c))).findFirst();
	}

	static final Set<RuleAction> EXPIRY = Set.of(RuleAction.EXPIRE_AFTER_CREATED, RuleAction.EXPIRE_AFTER_LAST_PLAYED);

	static boolean matches(RuleView rule, Candidate c) {
		return switch (rule.scope()) {
			case ALL -> true;
			case TAG -> c.tags().contains(rule.tag());
			case LIVE_RECORDINGS -> c.origin() == AssetOrigin.LIVE_RECORDING;
		};
	}

	static boolean due(Instant from, RuleView rule, Instant now) {
		return !from.plus(Duration.ofDays(rule.after())).isAfter(now);
	}

	private static String day(@Nullable Instant at) {
		return at == null ? "?" : at.toString().substring(0, 10);
	}

	private static Step step(@Nullable RuleView rule, Candidate c, String detail, List<Listed> objects,
			@Nullable String storageClass, List<String> profiles, StepKind kind) {
		return new Step(rule == null ? null : rule.id(), rule == null ? FINISH_EXPIRY : rule.name(), kind, c.id(),
				c.title(), detail, objects.size(), objects.stream().mapToLong(Listed::size).sum(), storageClass,
				profiles, null);
	}

}
