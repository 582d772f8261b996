package dev.keyframe.catalog.internal;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.platform.Packaging;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A published rendition: every object its playlist lists is stored (all of them once it is complete). */
@Entity
@Table(name = "rendition")
public class Rendition {

	@Id
	private UUID id;

	private UUID assetId;

	private String profile;

	@Enumerated(EnumType.STRING)
	private RenditionKind kind;

	private @Nullable Integer width;

	private @Nullable Integer height;

	private long bandwidth;

	private long averageBandwidth;

	private String codecs;

	private @Nullable String frameRate;

	private String playlistKey;

	private int segmentCount;

	private long totalBytes;

	private String segmentBoundaries;

	private Instant publishedAt;

	private boolean complete;

	private @Nullable String audioGroup;

	@Enumerated(EnumType.STRING)
	private Packaging packaging;

	private @Nullable Double durationSeconds;

	protected Rendition() {
		// JPA
	}

	public Rendition(UUID assetId, RenditionSpec spec, Instant now) {
		this.id = UUID.randomUUID();
		this.assetId = assetId;
		this.profile = spec.profile();
		update(spec, now);
	}

	public void update(RenditionSpec spec, Instant now) {
		this.kind = spec.kind();
		this.width = spec.width();
		this.height = spec.height();
		this.bandwidth = spec.bandwidth();
		this.averageBandwidth = spec.averageBandwidth();
		this.codecs = spec.codecs();
		this.frameRate = spec.frameRate();
		this.playlistKey = spec.playlistKey();
		this.segmentCount = spec.segmentCount();
		this.totalBytes = spec.totalBytes();
		this.segmentBoundaries = spec.boundaries()
			.stream()
			.map(b -> String.format(java.util.Locale.ROOT, "%.6f", b))
			.collect(Collectors.joining(","));
		this.publishedAt = now;
		this.complete = spec.complete();
		this.audioGroup = spec.audioGroup();
		this.packaging = spec.packaging();
		this.durationSeconds = spec.duration() > 0 ? spec.duration() : null;
	}

	public UUID assetId() {
		return assetId;
	}

	public String profile() {
		return profile;
	}

	public RenditionSpec spec() {
		List<Double> boundaries = segmentBoundaries.isEmpty() ? List.of()
				: Arrays.stream(segmentBoundaries.split(",")).map(Double::valueOf).toList();
		return new RenditionSpec(profile, kind, width == null ? 0 : width, height == null ? 0 : height, bandwidth,
				averageBandwidth, codecs, frameRate, playlistKey, segmentCount, totalBytes, boundaries, complete, audioGroup,
				packaging, durationSeconds == null ? 0 : durationSeconds);
	}

}
