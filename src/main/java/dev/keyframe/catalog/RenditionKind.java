package dev.keyframe.catalog;

public enum RenditionKind {

	VIDEO, AUDIO

}
