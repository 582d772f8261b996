package dev.keyframe.playback.edge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Byte ranges as the edge reads them (RFC 9110): served, unsatisfiable (416), or ignored (the whole object). */
class EdgeRangeTests {

	@Test
	void satisfiableRangesAreServedAsAsked() {
		assertThat(EdgeServlet.range("bytes=0-99", 1000)).containsExactly(0, 99);
		assertThat(EdgeServlet.range("bytes=900-", 1000)).containsExactly(900, 999);
		assertThat(EdgeServlet.range("bytes=999-999", 1000)).containsExactly(999, 999);
		assertThat(EdgeServlet.range("bytes=500-5000", 1000)).as("clipped to the last byte").containsExactly(500, 999);
		assertThat(EdgeServlet.range("bytes=-10", 1000)).as("the last ten bytes").containsExactly(990, 999);
		assertThat(EdgeServlet.range("bytes=-5000", 1000)).as("a suffix longer than the object").containsExactly(0, 999);
	}

	@Test
	void rangesPastTheEndCannotBeSatisfied() {
		assertThat(EdgeServlet.range("bytes=1000-", 1000)).isEmpty();
		assertThat(EdgeServlet.range("bytes=-0", 1000)).isEmpty();
		assertThat(EdgeServlet.range("bytes=-5", 0)).as("a suffix of an empty object").isEmpty();
		assertThat(EdgeServlet.range("bytes=0-", 0)).isEmpty();
	}

	@Test
	void invalidOrMultipleRangesAreIgnored() {
		assertThat(EdgeServlet.range(null, 1000)).isNull();
		assertThat(EdgeServlet.range("bytes=5-3", 1000)).as("last before first").isNull();
		assertThat(EdgeServlet.range("bytes=0-1,5-6", 1000)).as("several ranges").isNull();
		assertThat(EdgeServlet.range("items=0-1", 1000)).isNull();
		assertThat(EdgeServlet.range("bytes=-", 1000)).isNull();
		assertThat(EdgeServlet.range("bytes=99999999999999999999-", 1000)).isNull();
	}

}
