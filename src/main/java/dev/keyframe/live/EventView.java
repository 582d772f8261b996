package dev.keyframe.live;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** @param kind STARTED, REFUSED, PLAYING, PASSTHROUGH, NO_PASSTHROUGH, RECONNECTING, RECONNECTED, TRANSCODER_RESTARTED, STALE, RECOVERED, OUTPUT_DOWN, OUTPUT_UP, ENDED, RECORDED */
public record EventView(Instant at, String kind, String detail, @Nullable UUID sessionId) {
}
