package dev.keyframe.catalog.web;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.keyframe.catalog.AlternateAudio;
import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetNotFound;
import dev.keyframe.catalog.AudioTrackView;
import dev.keyframe.identity.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The audio tracks of an asset: one per audio stream of its source, named by its position there ({@code 0}, {@code 1},
 * ...). Their language, name and which is the default change without re-encoding.
 */
@RestController
@RequestMapping("/api/assets/{id}/audio-tracks")
@Tag(name = "Audio tracks", description = "The languages a viewer can choose between, one per audio stream of the source")
class AudioTrackController {

	private final AlternateAudio audio;

	private final AssetManagement assets;

	private final CurrentUser current;

	AudioTrackController(AlternateAudio audio, AssetManagement assets, CurrentUser current) {
		this.audio = audio;
		this.assets = assets;
		this.current = current;
	}

	@GetMapping
	@Operation(summary = "The asset's audio tracks, in the source's order")
	List<AudioTrackView> list(@PathVariable UUID id) {
		AssetId asset = new AssetId(id);
		if (assets.find(asset, Editors.of(current)).isEmpty()) {
			throw new AssetNotFound(asset);
		}
		return audio.list(asset);
	}

	@PatchMapping("/{stream}")
	@Operation(summary = "Change an audio track's language, name, or make it the one players choose by default")
	AudioTrackView describe(@PathVariable UUID id, @PathVariable int stream, @RequestBody Details details) {
		return audio.describe(new AssetId(id), stream, details.language(), details.name(), details.isDefault(),
				Editors.of(current));
	}

	/** The fields of a track that may change; those left out keep their value. */
	record Details(@Nullable String language, @Nullable String name, @Nullable Boolean isDefault) {
	}

}
