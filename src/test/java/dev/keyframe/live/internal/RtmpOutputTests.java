package dev.keyframe.live.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What an output that ended before it was up says: unreachable only when the connection failed. */
class RtmpOutputTests {

	private static final String TARGET = "rtmp://a.example/live2/secret-key";

	@Test
	void onlyAFailedConnectionIsCalledUnreachableAndTheKeyIsNeverSaid() {
		assertThat(RtmpOutput.why(TARGET, "[tcp @ 0x55] Connection to tcp://a.example:1935 failed: Connection refused"))
			.startsWith("cannot be reached (");
		assertThat(RtmpOutput.why(TARGET, "[rtmp @ 0x1] Cannot open connection tcp://a.example:1935"))
			.startsWith("cannot be reached (");
		assertThat(RtmpOutput.why(TARGET, "[in#0 @ 0x2] Error opening input: Invalid data found when processing input"))
			.isEqualTo("ended before it was up (ffmpeg: [in#0 @ 0x2] Error opening input: Invalid data found when "
					+ "processing input)");
		assertThat(RtmpOutput.why(TARGET, "Error opening output " + TARGET + ": I/O error"))
			.doesNotContain("secret-key")
			.contains("rtmp://a.example/live2/\u2026");
		assertThat(RtmpOutput.why(TARGET, null)).isEqualTo("ended before it was up");
	}

}
