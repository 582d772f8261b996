package dev.keyframe.catalog.web;

import java.util.UUID;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetNotFound;
import dev.keyframe.catalog.DownloadView;
import dev.keyframe.catalog.Downloads;
import dev.keyframe.identity.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * Whether an asset can be downloaded as a file (off by default). The file's signed URL comes with a playback grant
 * ({@code downloadUrl}), to whoever may watch the asset.
 */
@RestController
@RequestMapping("/api/assets/{id}/download")
@Tag(name = "Downloads", description = "An MP4 (M4A for audio) of an asset's best rendition, per asset, off by default")
class DownloadController {

	private final Downloads downloads;

	private final AssetManagement assets;

	private final CurrentUser current;

	DownloadController(Downloads downloads, AssetManagement assets, CurrentUser current) {
		this.downloads = downloads;
		this.assets = assets;
		this.current = current;
	}

	@GetMapping
	@Operation(summary = "Whether the asset can be downloaded, and how its file stands")
	DownloadView get(@PathVariable UUID id) {
		AssetId asset = new AssetId(id);
		return assets.find(asset, Editors.of(current)).orElseThrow(() -> new AssetNotFound(asset)).download();
	}

	@PutMapping
	@Operation(summary = "Turn downloads on (the file is made once the asset is ready, by copying its segments) or off "
			+ "(the file is deleted); on again after a failure tries again")
	DownloadView set(@PathVariable UUID id, @RequestBody Setting setting) {
		return downloads.set(new AssetId(id), setting.enabled(), Editors.of(current));
	}

	record Setting(boolean enabled) {
	}

}
