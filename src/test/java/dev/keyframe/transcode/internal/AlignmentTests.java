package dev.keyframe.transcode.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AlignmentTests {

	static final double HALF_FRAME = 0.5 / 30;

	@Test
	void alignedRenditionsPass() {
		assertThat(Alignment.check("720p", List.of(0.0, 4.0, 8.0), List.of(0.0, 2.0, 4.0, 6.0, 8.0),
				Map.of("360p", List.of(0.0, 4.0, 8.0)), HALF_FRAME))
			.isEmpty();
	}

	@Test
	void aSegmentThatDoesNotStartOnAKeyframeFails() {
		assertThat(Alignment.check("720p", List.of(0.0, 4.0, 8.0), List.of(0.0, 4.0), Map.of(), HALF_FRAME))
			.hasValueSatisfying(problem -> assertThat(problem).contains("segment 2 starts at 8.000 s"));
	}

	@Test
	void aBoundaryThatMovedBetweenRenditionsFails() {
		assertThat(Alignment.check("720p", List.of(0.0, 4.0, 8.5), null, Map.of("360p", List.of(0.0, 4.0, 8.0)),
				HALF_FRAME))
			.hasValueSatisfying(problem -> assertThat(problem)
				.contains("segment 2 starts at 8.500 s in 720p but at 8.000 s in 360p"));
	}

	@Test
	void aDifferentSegmentCountFails() {
		assertThat(Alignment.check("720p", List.of(0.0, 4.0), null, Map.of("360p", List.of(0.0, 4.0, 8.0)),
				HALF_FRAME))
			.hasValueSatisfying(problem -> assertThat(problem).contains("720p has 2 segments but 360p has 3"));
	}

	@Test
	void timesWithinHalfAFrameAreTheSame() {
		assertThat(Alignment.check("720p", List.of(0.0, 4.01), List.of(0.0, 4.0), Map.of("360p", List.of(0.0, 4.0)),
				HALF_FRAME))
			.isEmpty();
	}

}
