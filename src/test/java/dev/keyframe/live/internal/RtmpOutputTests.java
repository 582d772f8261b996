package dev.keyframe.live.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What an output that ended before it was up says: unreachable only when the connection failed. */
class RtmpOutputTests {

	private static final String TARGET = "rtmp://a.example/live2/secret-key";

	@Test
	void onlyAFailedConnectionIsCalledUnreachableAndTheKeyIsNeverSaid() {
		assertThat(RtmpOutput.why(TARGET, List.of("[tcp @ 0x55] Connection to tcp://a.example:1935 failed: Connection refused",
				"Error opening output files: Connection refused"))).startsWith("cannot be reached (");
		assertThat(RtmpOutput.why(TARGET, List.of("[tcp @ 0x1] Failed to resolve hostname a.example: Name or service "
				+ "not known", "Error opening output files: I/O error"))).as("the cause is on an earlier line")
			.startsWith("cannot be reached (");
		assertThat(RtmpOutput.why(TARGET, List.of("[in#0 @ 0x2] Error opening input: Invalid data found when processing input")))
			.isEqualTo("ended before it was up (ffmpeg: [in#0 @ 0x2] Error opening input: Invalid data found when "
					+ "processing input)");
		assertThat(RtmpOutput.why(TARGET, List.of("Error opening output " + TARGET + ": I/O error")))
			.doesNotContain("secret-key")
			.contains("rtmp://a.example/live2/\u2026");
		assertThat(RtmpOutput.why(TARGET, List.of("[rtmp @ 0x3] Server error: Stream secret-key is already publishing")))
			.as("a server that echoes the stream name").doesNotContain("secret-key");
		assertThat(RtmpOutput.why(TARGET, List.of())).isEqualTo("ended before it was up");
	}

}
