package dev.keyframe.catalog;

/**
 * What a text track is for. Subtitles translate or transcribe the dialogue for people who hear it; captions (SDH)
 * also describe sounds and music for people who do not, and are marked for players' accessibility settings.
 */
public enum TextTrackKind {

	SUBTITLES, CAPTIONS

}
