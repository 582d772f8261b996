package dev.keyframe.catalog.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import org.jspecify.annotations.Nullable;

import dev.keyframe.catalog.AssetOrigin;
import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.Visibility;
import dev.keyframe.catalog.TranscodeWork.JobCounts;
import dev.keyframe.platform.MediaInfo;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** The asset aggregate: its metadata and its state machine. */
@Entity
@Table(name = "asset")
public class Asset {

	@Id
	private UUID id;

	private String title;

	private @Nullable String description;

	private String originalFilename;

	private @Nullable String contentType;

	private long declaredSize;

	private String sourceKey;

	@Enumerated(EnumType.STRING)
	private AssetStatus status;

	private @Nullable String statusReason;

	private @Nullable Long durationMs;

	private @Nullable String formatName;

	private @Nullable Long bitrate;

	private @Nullable Integer width;

	private @Nullable Integer height;

	private @Nullable String videoCodec;

	private @Nullable String frameRate;

	/** ffprobe's field order of the source's video ({@code progressive}, {@code tt}, ...); null before V12. */
	private @Nullable String fieldOrder;

	private @Nullable String audioCodec;

	private @Nullable Integer audioChannels;

	private @Nullable String posterKey;

	@Enumerated(EnumType.STRING)
	private Visibility visibility = Visibility.SIGNED_IN;

	/** Written only by {@link Assets#played}, never with the rest of the entity (no lost updates either way). */
	@Column(insertable = false, updatable = false)
	private @Nullable Instant lastPlayedAt;

	@JdbcTypeCode(SqlTypes.ARRAY)
	private String[] tags = new String[0];

	@Enumerated(EnumType.STRING)
	private AssetOrigin origin = AssetOrigin.UPLOAD;

	private @Nullable Instant readyAt;

	private @Nullable Instant firstPlayableAt;

	private String sourceStorageClass = "STANDARD";

	private @Nullable Instant sourceDeletedAt;

	private @Nullable String holdReason;

	/** Who started the upload that made it; null when no one did (a live stream, a recording) or before V9. */
	private @Nullable String createdBy;

	private @Nullable String holdBy;

	private @Nullable Instant holdAt;

	private @Nullable Instant removedAt;

	private @Nullable Instant purgedAt;

	private @Nullable Instant textScannedAt;

	private boolean downloadsEnabled;

	private @Nullable String downloadKey;

	private @Nullable Long downloadBytes;

	private @Nullable Instant downloadMadeAt;

	private @Nullable String downloadError;

	private @Nullable Instant downloadClaimedAt;

	private boolean onAir;

	private Instant createdAt;

	private Instant updatedAt;

	@Version
	private long version;


	protected Asset() {
		// JPA
	}

	public Asset(UUID id, String title, String originalFilename, @Nullable String contentType, long declaredSize,
			String sourceKey, Instant now) {
		this.id = id;
		this.title = title;
		this.originalFilename = originalFilename;
		this.contentType = contentType;
		this.declaredSize = declaredSize;
		this.sourceKey = sourceKey;
		this.status = AssetStatus.UPLOADING;
		this.createdAt = now;
		this.updatedAt = now;
	}

	public void uploaded(MediaInfo media, Instant now) {
		this.durationMs = media.durationMillis();
		this.formatName = media.formatName();
		this.bitrate = media.bitrate();
		if (media.video() != null) {
			this.width = media.video().width();
			this.height = media.video().height();
			this.videoCodec = media.video().codec();
			this.frameRate = media.video().frameRate();
			this.fieldOrder = media.video().fieldOrder();
		}
		if (media.audio() != null) {
			this.audioCodec = media.audio().codec();
			this.audioChannels = media.audio().channels();
		}
		moveTo(AssetStatus.PROCESSING, null, now);
	}

	public void failed(String reason, Instant now) {
		moveTo(AssetStatus.FAILED, reason, now);
	}

	/**
	 * Derives the status from how the asset's jobs stand and whether anything is published. A removed asset stays
	 * removed, whatever a job that ends late says.
	 */
	public void transcodeProgressed(JobCounts jobs, boolean anythingPublished, Instant now) {
		if (status == AssetStatus.REMOVED) {
			return;
		}
		if (anythingPublished && firstPlayableAt == null) {
			firstPlayableAt = now;
		}
		if (jobs.active() > 0) {
			moveTo(anythingPublished ? AssetStatus.PLAYABLE : AssetStatus.PROCESSING, null, now);
		}
		else if (jobs.failed() == 0 && jobs.total() > 0) {
			moveTo(AssetStatus.READY, null, now);
			if (readyAt == null) {
				readyAt = now;
			}
		}
		else if (anythingPublished) {
			moveTo(AssetStatus.PLAYABLE, jobs.failed() + " of " + jobs.total() + " encode jobs failed: "
					+ jobs.firstError() + " Retry the failed jobs to complete the ladder.", now);
		}
		else {
			moveTo(AssetStatus.FAILED, jobs.firstError(), now);
		}
	}

	/**
	 * The master playlist lists something for the first time while the rest is still encoded: a viewer can start.
	 * What follows is up to {@link #transcodeProgressed}.
	 */
	public void renditionListed(Instant now) {
		if (status == AssetStatus.PROCESSING) {
			moveTo(AssetStatus.PLAYABLE, null, now);
		}
		if (firstPlayableAt == null && status == AssetStatus.PLAYABLE) {
			firstPlayableAt = now;
		}
	}

	public void describe(String title, @Nullable String description, Instant now) {
		this.title = title;
		this.description = description;
		this.updatedAt = now;
	}

	public void posterStored(String key, Instant now) {
		this.posterKey = key;
		this.updatedAt = now;
	}

	public void tag(List<String> tags, Instant now) {
		this.tags = tags.toArray(String[]::new);
		this.updatedAt = now;
	}

	public void hold(String reason, String by, Instant now) {
		this.holdReason = reason;
		this.holdBy = by;
		this.holdAt = now;
		this.updatedAt = now;
	}

	public void release(Instant now) {
		this.holdReason = null;
		this.holdBy = null;
		this.holdAt = null;
		this.updatedAt = now;
	}

	public void sourceDeleted(Instant now) {
		this.sourceDeletedAt = now;
		this.updatedAt = now;
	}

	public void sourceMoved(String storageClass, Instant now) {
		this.sourceStorageClass = storageClass;
		this.updatedAt = now;
	}

	/** Expired by a rule: nothing plays from now on; the files go next ({@link #purged}). */
	public void removed(String reason, Instant now) {
		moveTo(AssetStatus.REMOVED, reason, now);
		this.removedAt = now;
		this.posterKey = null; // the poster goes with the rest of the files
	}

	/**
	 * Claims the one look for the source's own text streams: true the first time (the caller looks), false after.
	 */
	public boolean textScanned(Instant now) {
		if (textScannedAt != null) {
			return false;
		}
		textScannedAt = now;
		return true;
	}

	public @Nullable Instant textScannedAt() {
		return textScannedAt;
	}

	/**
	 * Turns downloads on or off.
	 * @return the stored download that no longer belongs to the asset (turned off), to delete after the commit
	 */
	public @Nullable String downloads(boolean enabled, Instant now) {
		String dropped = null;
		if (!enabled && downloadKey != null) {
			dropped = downloadKey;
			downloadKey = null;
			downloadBytes = null;
			downloadMadeAt = null;
		}
		if (enabled != downloadsEnabled) {
			downloadsEnabled = enabled;
			downloadError = null;
			downloadClaimedAt = null;
			updatedAt = now;
		}
		return dropped;
	}

	/**
	 * Records a made download, if downloads are still on.
	 * @return the object to delete after the commit: the one it replaces, or the new one when downloads were turned off
	 */
	public @Nullable String downloadMade(String key, long bytes, Instant now) {
		if (!downloadsEnabled || status == AssetStatus.REMOVED) {
			return key;
		}
		String replaced = key.equals(downloadKey) ? null : downloadKey;
		downloadKey = key;
		downloadBytes = bytes;
		downloadMadeAt = now;
		downloadError = null;
		downloadClaimedAt = null;
		updatedAt = now;
		return replaced;
	}

	public void downloadFailed(String reason, Instant now) {
		downloadError = reason;
		downloadClaimedAt = null;
		updatedAt = now;
	}

	/**
	 * Claims the making of the download for one instance, unless another holds a claim renewed within
	 * {@code lease} (a remux renews its claim as it goes, so a crashed one's claim lapses and another instance
	 * makes it).
	 * @return whether the caller is now the one making it
	 */
	public boolean claimDownload(Instant now, java.time.Duration lease) {
		if (!wantsDownload() || (downloadClaimedAt != null && now.isBefore(downloadClaimedAt.plus(lease)))) {
			return false;
		}
		downloadClaimedAt = now;
		return true;
	}

	/** Renews the making instance's claim; false when it is no longer wanted (turned off, or made meanwhile). */
	public boolean renewDownloadClaim(Instant now) {
		if (!wantsDownload()) {
			return false;
		}
		downloadClaimedAt = now;
		return true;
	}

	/** Whether an instance claimed the making of the download within {@code lease}. */
	public boolean downloadClaimed(Instant now, java.time.Duration lease) {
		return downloadClaimedAt != null && now.isBefore(downloadClaimedAt.plus(lease));
	}

	/** Downloads are on and none is stored (nor did the last try fail): one is to be made once the asset is ready. */
	public boolean wantsDownload() {
		return downloadsEnabled && downloadKey == null && downloadError == null && status == AssetStatus.READY;
	}

	public boolean downloadsEnabled() {
		return downloadsEnabled;
	}

	public @Nullable String downloadKey() {
		return downloadKey;
	}

	public @Nullable Long downloadBytes() {
		return downloadBytes;
	}

	public @Nullable Instant downloadMadeAt() {
		return downloadMadeAt;
	}

	public @Nullable String downloadError() {
		return downloadError;
	}

	public void purged(Instant now) {
		this.purgedAt = now;
		this.updatedAt = now;
	}

	/** A live stream's asset, on air from the first feed until its session ends. */
	public void liveStream() {
		this.origin = AssetOrigin.LIVE_STREAM;
		this.onAir = true;
	}

	public void live(@Nullable String reason, Instant now) {
		if (status == AssetStatus.REMOVED) {
			return;
		}
		moveTo(AssetStatus.PLAYABLE, reason, now);
	}

	/** Off air: READY with its last window, or FAILED if nothing was ever published; a removed asset stays so. */
	public void liveEnded(boolean published, String note, Instant now) {
		this.onAir = false;
		if (status == AssetStatus.REMOVED) {
			return;
		}
		if (!published) {
			moveTo(AssetStatus.FAILED, "The live feed ended before anything could be published: " + note, now);
			return;
		}
		moveTo(AssetStatus.READY, note, now);
		if (readyAt == null) {
			readyAt = now;
		}
	}

	public boolean onAir() {
		return onAir;
	}

	public void recordedLive() {
		this.origin = AssetOrigin.LIVE_RECORDING;
	}

	/** Moves to {@code next}, if {@link AssetStatus#next()} allows it from where the asset is. */
	private void moveTo(AssetStatus next, @Nullable String reason, Instant now) {
		if (!status.mayBecome(next)) {
			throw new IllegalStateException("An asset that is " + status + " cannot become " + next + " (asset " + id
					+ ")");
		}
		this.status = next;
		this.statusReason = reason;
		this.updatedAt = now;
	}

	public UUID id() {
		return id;
	}

	public String title() {
		return title;
	}

	public @Nullable String description() {
		return description;
	}

	public String originalFilename() {
		return originalFilename;
	}

	public @Nullable String contentType() {
		return contentType;
	}

	public long declaredSize() {
		return declaredSize;
	}

	public String sourceKey() {
		return sourceKey;
	}

	public AssetStatus status() {
		return status;
	}

	public @Nullable String statusReason() {
		return statusReason;
	}

	public @Nullable Long durationMs() {
		return durationMs;
	}

	public @Nullable String formatName() {
		return formatName;
	}

	public @Nullable Long bitrate() {
		return bitrate;
	}

	public @Nullable Integer width() {
		return width;
	}

	public @Nullable Integer height() {
		return height;
	}

	public @Nullable String videoCodec() {
		return videoCodec;
	}

	public @Nullable String frameRate() {
		return frameRate;
	}

	public @Nullable String fieldOrder() {
		return fieldOrder;
	}

	public @Nullable String audioCodec() {
		return audioCodec;
	}

	public @Nullable Integer audioChannels() {
		return audioChannels;
	}

	public Visibility visibility() {
		return visibility;
	}

	public void show(Visibility visibility, Instant now) {
		this.visibility = visibility;
		this.updatedAt = now;
	}

	public @Nullable String posterKey() {
		return posterKey;
	}

	public List<String> tags() {
		return List.of(tags);
	}

	public AssetOrigin origin() {
		return origin;
	}

	/** When the asset could first be played (its first rendition, or its first chunk, was published). */
	public @Nullable Instant firstPlayableAt() {
		return firstPlayableAt;
	}

	public @Nullable Instant readyAt() {
		return readyAt;
	}

	public String sourceStorageClass() {
		return sourceStorageClass;
	}

	public @Nullable Instant sourceDeletedAt() {
		return sourceDeletedAt;
	}

	public @Nullable String createdBy() {
		return createdBy;
	}

	/** Records who started the upload that makes this asset. */
	public void startedBy(@Nullable String username) {
		this.createdBy = username;
	}

	/**
	 * Whether this asset is someone else's unfinished upload for {@code username}, which only its uploader and
	 * admins see; {@code null} stands for an admin (or work with no one signed in), who sees every asset.
	 */
	public boolean unfinishedUploadOfAnotherThan(@Nullable String username) {
		return username != null && status == AssetStatus.UPLOADING && createdBy != null
				&& !createdBy.equals(username);
	}

	public @Nullable String holdReason() {
		return holdReason;
	}

	public @Nullable String holdBy() {
		return holdBy;
	}

	public @Nullable Instant holdAt() {
		return holdAt;
	}

	public @Nullable Instant removedAt() {
		return removedAt;
	}

	public @Nullable Instant purgedAt() {
		return purgedAt;
	}

	public Instant createdAt() {
		return createdAt;
	}

	public @Nullable Instant lastPlayedAt() {
		return lastPlayedAt;
	}

	public Instant updatedAt() {
		return updatedAt;
	}

}
