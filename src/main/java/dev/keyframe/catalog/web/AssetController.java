package dev.keyframe.catalog.web;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetNotFound;
import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.AssetView;
import dev.keyframe.catalog.Visibility;
import dev.keyframe.catalog.TranscodeWork;
import dev.keyframe.identity.CurrentUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping("/api/assets")
@Tag(name = "Assets", description = "Uploaded media, their renditions and transcode jobs")
class AssetController {

	private final AssetManagement assets;

	private final ObjectProvider<TranscodeWork> work;

	private final CurrentUser current;

	AssetController(AssetManagement assets, ObjectProvider<TranscodeWork> work, CurrentUser current) {
		this.assets = assets;
		this.work = work;
		this.current = current;
	}

	@GetMapping
	@Operation(summary = "List assets, newest first, optionally by status")
	PageOfAssets list(@RequestParam(required = false) @Nullable AssetStatus status,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
		if (page < 0 || size < 1 || size > 200) {
			throw new IllegalArgumentException("page must be 0 or more and size between 1 and 200");
		}
		Page<AssetView> found = assets.list(status, null, PageRequest.of(page, size), Editors.of(current));
		return new PageOfAssets(found.getContent(), found.getNumber(), found.getSize(), found.getTotalElements(),
				found.getTotalPages());
	}

	@GetMapping("/{id}")
	@Operation(summary = "An asset with its metadata, renditions and jobs")
	AssetView get(@PathVariable UUID id) {
		AssetId asset = new AssetId(id);
		return assets.find(asset, Editors.of(current)).orElseThrow(() -> new AssetNotFound(asset));
	}

	@PatchMapping("/{id}")
	@Operation(summary = "Change an asset's title, description, visibility or tags; fields left out keep their value")
	AssetView describe(@PathVariable UUID id, @RequestBody Details details) {
		AssetId asset = new AssetId(id);
		AssetView found = assets.find(asset, Editors.of(current)).orElseThrow(() -> new AssetNotFound(asset));
		return assets.describe(asset, details.title() != null ? details.title() : found.title(),
				details.description() != null ? details.description() : found.description(),
				details.visibility() != null ? details.visibility() : found.visibility(), details.tags());
	}

	/** The fields of an asset an editor may change. */
	record Details(@Nullable String title, @Nullable String description, @Nullable Visibility visibility,
			@Nullable List<String> tags) {
	}

	@PostMapping("/{id}/retry")
	@Operation(summary = "Queue the asset's failed transcode jobs again")
	ResponseEntity<Map<String, Integer>> retry(@PathVariable UUID id) {
		AssetId asset = new AssetId(id);
		if (assets.find(asset, Editors.of(current)).isEmpty()) {
			throw new AssetNotFound(asset);
		}
		int retried = work.getObject().retryFailed(asset);
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("retried", retried));
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Delete an asset, its source and all of its renditions")
	ResponseEntity<Void> delete(@PathVariable UUID id) {
		assets.delete(new AssetId(id), Editors.of(current));
		return ResponseEntity.noContent().build();
	}

	record PageOfAssets(List<AssetView> items, int page, int size, long total, int pages) {
	}

}
