package dev.keyframe.retention.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetOrigin;
import dev.keyframe.catalog.AssetRetention.Candidate;
import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.retention.RuleAction;
import dev.keyframe.retention.RuleScope;
import dev.keyframe.retention.RuleView;

/** Which rule decides, when it is due, and which renditions a drop keeps. */
class PlannerTests {

	private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void theLowestPriorityNumberWhoseScopeMatchesDecidesEvenWhenNotDue() {
		List<RuleView> rules = sorted(rule(RuleAction.DELETE_SOURCE, RuleScope.ALL, null, 30, 100),
				rule(RuleAction.DELETE_SOURCE, RuleScope.TAG, "masters", 3650, 1));
		Candidate master = candidate(List.of("masters"), AssetOrigin.UPLOAD);
		Candidate other = candidate(List.of("news"), AssetOrigin.UPLOAD);

		assertThat(Planner.decide(rules, Set.of(RuleAction.DELETE_SOURCE), master)).get()
			.extracting(RuleView::after)
			.isEqualTo(3650);
		assertThat(Planner.decide(rules, Set.of(RuleAction.DELETE_SOURCE), other)).get()
			.extracting(RuleView::after)
			.isEqualTo(30);
		assertThat(Planner.decide(rules, Set.of(RuleAction.MOVE_SOURCE), master)).isEmpty();
	}

	@Test
	void theTwoExpiryRulesAreOneDecision() {
		List<RuleView> rules = sorted(rule(RuleAction.EXPIRE_AFTER_LAST_PLAYED, RuleScope.ALL, null, 90, 100),
				rule(RuleAction.EXPIRE_AFTER_CREATED, RuleScope.TAG, "keep", 3650, 1));
		assertThat(Planner.decide(rules, Planner.EXPIRY, candidate(List.of("keep"), AssetOrigin.UPLOAD))).get()
			.extracting(RuleView::action)
			.isEqualTo(RuleAction.EXPIRE_AFTER_CREATED);
		assertThat(Planner.decide(rules, Planner.EXPIRY, candidate(List.of(), AssetOrigin.UPLOAD))).get()
			.extracting(RuleView::action)
			.isEqualTo(RuleAction.EXPIRE_AFTER_LAST_PLAYED);
	}

	@Test
	void scopesMatchTagsAndOrigins() {
		RuleView live = rule(RuleAction.EXPIRE_AFTER_CREATED, RuleScope.LIVE_RECORDINGS, null, 7, 10);
		RuleView tagged = rule(RuleAction.EXPIRE_AFTER_CREATED, RuleScope.TAG, "promo", 7, 10);
		assertThat(Planner.matches(live, candidate(List.of(), AssetOrigin.LIVE_RECORDING))).isTrue();
		assertThat(Planner.matches(live, candidate(List.of(), AssetOrigin.UPLOAD))).isFalse();
		assertThat(Planner.matches(tagged, candidate(List.of("promo", "x"), AssetOrigin.UPLOAD))).isTrue();
		assertThat(Planner.matches(tagged, candidate(List.of("promos"), AssetOrigin.UPLOAD))).isFalse();
	}

	@Test
	void aRuleIsDueOnItsDayAndNotASecondBefore() {
		RuleView tenDays = rule(RuleAction.DELETE_SOURCE, RuleScope.ALL, null, 10, 10);
		Instant day10 = T0.plus(Duration.ofDays(10));
		assertThat(Planner.due(T0, tenDays, day10.minusSeconds(1))).isFalse();
		assertThat(Planner.due(T0, tenDays, day10)).isTrue();
		assertThat(Planner.due(T0, rule(RuleAction.DELETE_SOURCE, RuleScope.ALL, null, 0, 10), T0)).isTrue();
	}

	@Test
	void aDropKeepsTheShortestVideoRenditionAndAudio() {
		List<RenditionSpec> ladder = List.of(video("1080p", 1080), video("720p", 720), video("480p", 480),
				audio("audio"));
		assertThat(Planner.dropped(ladder, 720)).containsExactly("1080p");
		assertThat(Planner.dropped(ladder, 240)).containsExactlyInAnyOrder("1080p", "720p");
		assertThat(Planner.dropped(List.of(video("720p", 720)), 240)).isEmpty();
		assertThat(Planner.dropped(List.of(audio("audio")), 240)).isEmpty();
	}

	private static List<RuleView> sorted(RuleView... rules) {
		return java.util.Arrays.stream(rules).sorted(Comparator.comparingInt(RuleView::priority)).toList();
	}

	private static RuleView rule(RuleAction action, RuleScope scope, String tag, int after, int priority) {
		return new RuleView(UUID.randomUUID(), action + " " + after, action, scope, tag, after, null, null, priority,
				true, T0, "tests");
	}

	private static Candidate candidate(List<String> tags, AssetOrigin origin) {
		return new Candidate(new AssetId(UUID.randomUUID()), "clip", AssetStatus.READY, origin, tags, T0, T0, null,
				1000, "STANDARD", true, false, false, List.of(), false);
	}

	private static RenditionSpec video(String profile, int height) {
		return new RenditionSpec(profile, RenditionKind.VIDEO, height * 16 / 9, height, 1000, 1000, "avc1", "30",
				profile + "/index.m3u8", 1, 1, List.of());
	}

	private static RenditionSpec audio(String profile) {
		return new RenditionSpec(profile, RenditionKind.AUDIO, 0, 0, 128, 128, "mp4a", null, profile + "/index.m3u8",
				1, 1, List.of());
	}

}
