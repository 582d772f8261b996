package dev.keyframe.catalog.internal;

import java.time.Instant;
import java.util.UUID;

import dev.keyframe.catalog.AudioTrackView;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One audio stream of a video source, made into an audio rendition of the asset's audio group: its language and name
 * start as the source's tags said and are the editor's to change; exactly one of an asset's is the default.
 */
@Entity
@Table(name = "audio_track")
public class AudioTrack {

	@Id
	private UUID id;

	private UUID assetId;

	private int streamIndex;

	private String language;

	private String name;

	private boolean isDefault;

	private String codec;

	private int channels;

	private Instant updatedAt;

	protected AudioTrack() {
		// JPA
	}

	public AudioTrack(UUID assetId, int streamIndex, String language, String name, boolean isDefault, String codec,
			int channels, Instant now) {
		this.id = UUID.randomUUID();
		this.assetId = assetId;
		this.streamIndex = streamIndex;
		this.codec = codec;
		this.channels = channels;
		describe(language, name, isDefault, now);
	}

	public void describe(String language, String name, boolean isDefault, Instant now) {
		this.language = language;
		this.name = name;
		this.isDefault = isDefault;
		this.updatedAt = now;
	}

	public void notDefault(Instant now) {
		if (isDefault) {
			this.isDefault = false;
			this.updatedAt = now;
		}
	}

	public int streamIndex() {
		return streamIndex;
	}

	public String language() {
		return language;
	}

	public String name() {
		return name;
	}

	public boolean isDefault() {
		return isDefault;
	}

	public String codec() {
		return codec;
	}

	public int channels() {
		return channels;
	}

	/** @param profile the rendition made of it */
	public AudioTrackView view(String profile, boolean playing) {
		return new AudioTrackView(streamIndex, profile, language, name, isDefault, codec, channels, playing, updatedAt);
	}

}
