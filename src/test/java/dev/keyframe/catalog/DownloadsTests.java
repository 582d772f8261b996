package dev.keyframe.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DownloadsTests {

	@Test
	void theFileIsNamedByTheTitleWithAnAsciiFallbackForOlderBrowsers() {
		assertThat(Downloads.disposition("Keynote 2026", "mp4"))
			.isEqualTo("attachment; filename=\"Keynote 2026.mp4\"; filename*=UTF-8''Keynote%202026.mp4");
		assertThat(Downloads.disposition("Ünïcode / \"quoted\"; x", "m4a")).as("nothing that ends the quoted name")
			.startsWith("attachment; filename=\"_n_code _ _quoted_ x.m4a\"; filename*=UTF-8''")
			.endsWith("%C3%9Cn%C3%AFcode%20%2F%20%22quoted%22%3B%20x.m4a");
		assertThat(Downloads.disposition("  ", "mp4")).startsWith("attachment; filename=\"download.mp4\"");
		assertThat(Downloads.disposition("x".repeat(300), "mp4")).as("names stay short")
			.contains("filename=\"" + "x".repeat(100) + ".mp4\"");
	}

}
