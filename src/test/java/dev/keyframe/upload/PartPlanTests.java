package dev.keyframe.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.keyframe.platform.Problem;

class PartPlanTests {

	static final long MIB = 1024 * 1024;

	@Test
	void smallFilesAreOnePart() {
		PartPlan plan = PartPlan.of(3 * MIB, 16 * MIB, 10_000);
		assertThat(plan.partCount()).isEqualTo(1);
		assertThat(plan.expectedSize(1)).isEqualTo(3 * MIB);
	}

	@Test
	void theLastPartHoldsTheRemainder() {
		PartPlan plan = PartPlan.of(40 * MIB + 5, 16 * MIB, 10_000);
		assertThat(plan.partCount()).isEqualTo(3);
		assertThat(plan.expectedSize(2)).isEqualTo(16 * MIB);
		assertThat(plan.expectedSize(3)).isEqualTo(8 * MIB + 5);
	}

	@Test
	void hugeFilesGetLargerPartsSoNoUploadNeedsMoreThanTenThousand() {
		long size = 500L * 1024 * MIB;
		PartPlan plan = PartPlan.of(size, 16 * MIB, 10_000);
		assertThat(plan.partCount()).isLessThanOrEqualTo(10_000);
		assertThat(plan.partSize() % MIB).isZero();
		assertThat(plan.partSize() * plan.partCount()).isGreaterThanOrEqualTo(size);
	}

	@Test
	void hostileFileNamesAreKeptOnlyAsCleanText() {
		assertThat(FileNames.clean("../../etc/passwd")).isEqualTo("passwd");
		assertThat(FileNames.clean("C:\\Users\\me\\holiday.mov")).isEqualTo("holiday.mov");
		assertThat(FileNames.clean("evil\u202Evom.exe\n")).isEqualTo("evilvom.exe");
		assertThat(FileNames.clean("x".repeat(1000))).hasSize(255);
		assertThatThrownBy(() -> FileNames.clean("../")).isInstanceOf(Problem.class);
		assertThat(FileNames.contentType("video/mp4\r\nX-Evil: 1")).isEqualTo("application/octet-stream");
		assertThat(FileNames.contentType("Video/MP4")).isEqualTo("video/mp4");
	}

	@Test
	void missingPartsAreNamedAsRanges() {
		assertThat(FileNames.ranges(List.of(1, 2, 3, 7))).isEqualTo("parts 1-3, 7");
		assertThat(FileNames.ranges(List.of(4))).isEqualTo("part 4");
	}

}
