package dev.keyframe.retention;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.upload.Uploads.StaleUpload;

/**
 * What a lifecycle run would do now: the dry run, and the list a run works through.
 *
 * @param held assets a rule would have acted on but for their legal hold
 * @param busy assets left alone because a transcode job is queued or running
 */
public record Plan(Instant at, List<Step> steps, int held, int busy) {

	public int assets() {
		Set<AssetId> ids = new LinkedHashSet<>();
		steps.forEach(s -> {
			if (s.asset() != null) {
				ids.add(s.asset());
			}
		});
		return ids.size();
	}

	public int objects() {
		return steps.stream().mapToInt(Step::objects).sum();
	}

	public long bytes() {
		return steps.stream().mapToLong(Step::bytes).sum();
	}

	/** The steps grouped by the rule that calls for them, in plan order. */
	public List<ByRule> byRule() {
		Map<String, List<Step>> groups = new LinkedHashMap<>();
		steps.forEach(s -> groups.computeIfAbsent(s.ruleName() + "\u0000" + s.kind(), k -> new ArrayList<>()).add(s));
		return groups.values().stream().map(ByRule::new).toList();
	}

	/** One rule's share of the plan. */
	public record ByRule(List<Step> steps) {

		public String rule() {
			return steps.getFirst().ruleName();
		}

		public StepKind kind() {
			return steps.getFirst().kind();
		}

		public int count() {
			return steps.size();
		}

		public int objects() {
			return steps.stream().mapToInt(Step::objects).sum();
		}

		public long bytes() {
			return steps.stream().mapToLong(Step::bytes).sum();
		}

	}

	/**
	 * One action on one asset (or one unfinished upload).
	 *
	 * @param ruleId the rule that calls for it; null for finishing an interrupted expiry
	 * @param subject the asset's title, or the upload's file name
	 * @param detail what exactly, for people
	 * @param objects how many objects it deletes or moves (for an upload: its stored parts count as one)
	 * @param bytes how many bytes those hold
	 */
	public record Step(@Nullable UUID ruleId, String ruleName, StepKind kind, @JsonIgnore @Nullable AssetId asset,
			String subject, String detail, int objects, long bytes, @JsonIgnore @Nullable String storageClass,
			@JsonIgnore List<String> profiles, @JsonIgnore @Nullable StaleUpload upload) {

		/** The asset's id as text, for the API and links. */
		@JsonProperty("assetId")
		public @Nullable String assetId() {
			return asset == null ? null : asset.toString();
		}

	}

}
