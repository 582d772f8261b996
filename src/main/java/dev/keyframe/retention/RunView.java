package dev.keyframe.retention;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A lifecycle run and what it did.
 *
 * @param trigger SCHEDULED or MANUAL
 * @param state RUNNING, DONE, FAILED, or INTERRUPTED (it stopped without finishing; the next run did its work)
 * @param planned how many steps its plan had
 * @param assets how many assets it acted on
 */
public record RunView(UUID id, String trigger, @Nullable String startedBy, String state, Instant startedAt,
		@Nullable Instant finishedAt, int planned, int assets, int objects, long bytes, int errors,
		@Nullable String error) {
}
