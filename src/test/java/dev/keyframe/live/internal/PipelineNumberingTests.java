package dev.keyframe.live.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** How the session numbers a pipeline's segments from the newest one claimed (docs/adr/0020). */
class PipelineNumberingTests {

	private static final long SEGMENT = 90_000L * 2;

	private static final PipelineNumbering.Anchor ANCHOR = new PipelineNumbering.Anchor(120, 700_326_000L,
			Instant.parse("2026-12-03T12:00:00Z"), "feed-1");

	@Test
	void aSegmentOnTheAnchorsGridIsNumberedByItsDistanceFromIt() {
		assertThat(PipelineNumbering.number(ANCHOR, ANCHOR.pts(), SEGMENT)).hasValue(120);
		assertThat(PipelineNumbering.number(ANCHOR, ANCHOR.pts() + SEGMENT, SEGMENT)).hasValue(121);
		assertThat(PipelineNumbering.number(ANCHOR, ANCHOR.pts() + 5 * SEGMENT, SEGMENT)).hasValue(125);
		// behind the anchor: a pipeline catching up names what it makes by the same numbers
		assertThat(PipelineNumbering.number(ANCHOR, ANCHOR.pts() - 3 * SEGMENT, SEGMENT)).hasValue(117);
		// a tick or two of rounding is the same picture
		assertThat(PipelineNumbering.number(ANCHOR, ANCHOR.pts() + SEGMENT + 3, SEGMENT)).hasValue(121);
	}

	@Test
	void aSegmentOffTheGridOrFarAwayIsAnotherTimeline() {
		assertThat(PipelineNumbering.number(ANCHOR, ANCHOR.pts() + SEGMENT / 3, SEGMENT)).isEmpty();
		assertThat(PipelineNumbering.number(ANCHOR, ANCHOR.pts() + 3000, SEGMENT)).as("a frame off").isEmpty();
		assertThat(PipelineNumbering.number(ANCHOR, ANCHOR.pts() + 2000 * SEGMENT, SEGMENT)).as("over an hour away")
			.isEmpty();
	}

	@Test
	void aSegmentOfAnotherFeedConnectionIsAnotherTimelineEvenOnTheSameGrid() {
		assertThat(PipelineNumbering.number(ANCHOR, ANCHOR.pts() + SEGMENT, "feed-1", SEGMENT)).hasValue(121);
		// a reconnected feed, or the backup, starts its timestamps anywhere: on the grid by chance is not in step
		assertThat(PipelineNumbering.number(ANCHOR, ANCHOR.pts() + SEGMENT, "feed-2", SEGMENT)).isEmpty();
	}

	@Test
	void theGridGoesOnAcrossTheTimestampsWrap() {
		long wrap = MpegTs.WRAP + 1;
		PipelineNumbering.Anchor late = new PipelineNumbering.Anchor(40, wrap - SEGMENT, ANCHOR.date(), "feed-1");
		assertThat(PipelineNumbering.number(late, 0, SEGMENT)).hasValue(41);
		assertThat(PipelineNumbering.number(late, SEGMENT, SEGMENT)).hasValue(42);
		PipelineNumbering.Anchor early = new PipelineNumbering.Anchor(41, 0, ANCHOR.date(), "feed-1");
		assertThat(PipelineNumbering.number(early, wrap - SEGMENT, SEGMENT)).hasValue(40);
	}

}
