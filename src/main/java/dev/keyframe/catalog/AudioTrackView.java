package dev.keyframe.catalog;

import java.time.Instant;

/**
 * An audio track of an asset as the API shows it: one audio stream of the source, one audio rendition.
 *
 * @param stream its position among the source's audio streams, from 0: how the API names it
 * @param profile the rendition made of it ({@code audio}, {@code audio-1})
 * @param language a BCP 47 tag ({@code en}, {@code pt-BR}), {@code und} when the source did not say
 * @param name what players show in their audio menu
 * @param isDefault the one players choose unless the viewer's language matches another
 * @param codec the source stream's codec (the rendition is AAC stereo)
 * @param playing its rendition is published and listed in the master playlist
 */
public record AudioTrackView(int stream, String profile, String language, String name, boolean isDefault,
		String codec, int channels, boolean playing, Instant updatedAt) {
}
