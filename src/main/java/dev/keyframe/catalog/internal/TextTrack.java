package dev.keyframe.catalog.internal;

import java.time.Instant;
import java.util.UUID;

import dev.keyframe.catalog.TextTrackKind;
import dev.keyframe.catalog.TextTrackView;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A published text track: its file's cues are stored as a segmented WebVTT playlist under a prefix of its own
 * revision ({@link #prefix}), so replacing the file never changes an object a player or the CDN holds.
 */
@Entity
@Table(name = "text_track")
public class TextTrack {

	/** Where a track comes from. */
	public enum Origin {

		UPLOADED, EMBEDDED

	}

	@Id
	private UUID id;

	private UUID assetId;

	private String language;

	private String name;

	@Enumerated(EnumType.STRING)
	private TextTrackKind kind;

	@Enumerated(EnumType.STRING)
	private Origin origin;

	@Column(name = "is_default")
	private boolean isDefault;

	private int revision;

	private int cueCount;

	private long lastCueMs;

	private String playlistKey;

	private String fileKey;

	private long mpegtsOrigin;

	private Instant createdAt;

	private Instant updatedAt;

	protected TextTrack() {
		// JPA
	}

	public TextTrack(UUID assetId, String language, String name, TextTrackKind kind, Origin origin, Instant now) {
		this.id = UUID.randomUUID();
		this.assetId = assetId;
		this.language = language;
		this.name = name;
		this.kind = kind;
		this.origin = origin;
		this.createdAt = now;
		this.updatedAt = now;
	}

	/** Where the objects of revision {@code revision} go, under the asset's media prefix: {@code text/<id>-r2/}. */
	public String prefix(String mediaPrefix, int revision) {
		return mediaPrefix + "text/" + id + "-r" + revision + "/";
	}

	/** A new file's cues are stored under {@link #prefix} of {@code revision}: the track now lists them. */
	public void stored(int revision, int cueCount, long lastCueMs, String playlistKey, String fileKey, long mpegtsOrigin,
			Instant now) {
		this.revision = revision;
		this.cueCount = cueCount;
		this.lastCueMs = lastCueMs;
		this.playlistKey = playlistKey;
		this.fileKey = fileKey;
		this.mpegtsOrigin = mpegtsOrigin;
		this.updatedAt = now;
	}

	public void describe(String language, String name, TextTrackKind kind, boolean isDefault, Instant now) {
		this.language = language;
		this.name = name;
		this.kind = kind;
		this.isDefault = isDefault;
		this.updatedAt = now;
	}

	public void notDefault(Instant now) {
		if (isDefault) {
			this.isDefault = false;
			this.updatedAt = now;
		}
	}

	public TextTrackView view() {
		return new TextTrackView(id.toString(), language, name, kind, origin.name(), isDefault, revision, cueCount,
				lastCueMs, updatedAt);
	}

	public UUID id() {
		return id;
	}

	public UUID assetId() {
		return assetId;
	}

	public String language() {
		return language;
	}

	public String name() {
		return name;
	}

	public TextTrackKind kind() {
		return kind;
	}

	public boolean isDefault() {
		return isDefault;
	}

	public int revision() {
		return revision;
	}

	public String playlistKey() {
		return playlistKey;
	}

	public String fileKey() {
		return fileKey;
	}

}
