package dev.keyframe.catalog;

import java.time.Instant;

/**
 * A text track of an asset as the API shows it.
 *
 * @param language a BCP 47 tag: {@code en}, {@code pt-BR}
 * @param name what players show in their captions menu
 * @param origin {@code UPLOADED} by an editor, or {@code EMBEDDED} in the source file
 * @param isDefault shown without the viewer choosing it
 * @param revision how many times its file was replaced, plus one
 * @param lastCueMs where its last cue ends
 */
public record TextTrackView(String id, String language, String name, TextTrackKind kind, String origin,
		boolean isDefault, int revision, int cueCount, long lastCueMs, Instant updatedAt) {
}
