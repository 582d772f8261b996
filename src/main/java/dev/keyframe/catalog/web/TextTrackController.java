package dev.keyframe.catalog.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetNotFound;
import dev.keyframe.catalog.Captions;
import dev.keyframe.catalog.TextTrackKind;
import dev.keyframe.catalog.TextTrackView;
import dev.keyframe.identity.CurrentUser;
import dev.keyframe.platform.TooLarge;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Captions and subtitles of an asset. A cue file (WebVTT or SubRip, UTF-8, at most 4 MiB) is the request's whole
 * body, as a browser sends a {@code File}; what describes the track goes in the query or a JSON body.
 */
@RestController
@RequestMapping("/api/assets/{id}/text-tracks")
@Tag(name = "Text tracks", description = "Captions and subtitles, added, replaced and removed without re-encoding")
class TextTrackController {

	private final Captions captions;

	private final AssetManagement assets;

	private final CurrentUser current;

	TextTrackController(Captions captions, AssetManagement assets, CurrentUser current) {
		this.captions = captions;
		this.assets = assets;
		this.current = current;
	}

	@GetMapping
	@Operation(summary = "The asset's text tracks, by language")
	List<TextTrackView> list(@PathVariable UUID id) {
		AssetId asset = visible(id);
		return captions.list(asset);
	}

	@PostMapping
	@Operation(summary = "Add a text track from a WebVTT or SubRip file sent as the request body; "
			+ "a file that cannot be read is refused with the line that is wrong", requestBody = @RequestBody(
					description = "The cue file itself, UTF-8, at most 4 MiB", required = true,
					content = { @Content(mediaType = "text/vtt", schema = @Schema(type = "string", format = "binary")),
							@Content(mediaType = "application/x-subrip",
									schema = @Schema(type = "string", format = "binary")) }))
	ResponseEntity<TextTrackView> add(@PathVariable UUID id, @RequestParam String language,
			@RequestParam(required = false) @Nullable String name,
			@RequestParam(defaultValue = "SUBTITLES") TextTrackKind kind,
			@RequestParam(defaultValue = "false") boolean isDefault, HttpServletRequest request)
			throws IOException {
		TextTrackView added = captions.add(new AssetId(id), new Captions.NewTextTrack(language, name, kind, isDefault),
				body(request), Editors.of(current));
		return ResponseEntity.status(HttpStatus.CREATED).body(added);
	}

	@PutMapping("/{track}/file")
	@Operation(summary = "Replace a text track's file (the request body); players get the new cues with their next "
			+ "master playlist", requestBody = @RequestBody(description = "The new cue file, UTF-8, at most 4 MiB",
					required = true,
					content = { @Content(mediaType = "text/vtt", schema = @Schema(type = "string", format = "binary")),
							@Content(mediaType = "application/x-subrip",
									schema = @Schema(type = "string", format = "binary")) }))
	TextTrackView replace(@PathVariable UUID id, @PathVariable UUID track, HttpServletRequest request)
			throws IOException {
		return captions.replace(new AssetId(id), track, body(request), Editors.of(current));
	}

	@PatchMapping("/{track}")
	@Operation(summary = "Change a text track's language, name, kind or whether it is shown by default")
	TextTrackView describe(@PathVariable UUID id, @PathVariable UUID track,
			@org.springframework.web.bind.annotation.RequestBody Details details) {
		return captions.describe(new AssetId(id), track, details.language(), details.name(), details.kind(),
				details.isDefault(), Editors.of(current));
	}

	/** The fields of a track that may change; those left out keep their value. */
	record Details(@Nullable String language, @Nullable String name, @Nullable TextTrackKind kind,
			@Nullable Boolean isDefault) {
	}

	@DeleteMapping("/{track}")
	@Operation(summary = "Remove a text track")
	ResponseEntity<Void> remove(@PathVariable UUID id, @PathVariable UUID track) {
		captions.remove(new AssetId(id), track, Editors.of(current));
		return ResponseEntity.noContent().build();
	}

	private AssetId visible(UUID id) {
		AssetId asset = new AssetId(id);
		if (assets.find(asset, Editors.of(current)).isEmpty()) {
			throw new AssetNotFound(asset);
		}
		return asset;
	}

	private static byte[] body(HttpServletRequest request) throws IOException {
		if (request.getContentLengthLong() > Captions.MAX_BYTES) {
			throw tooLarge();
		}
		try (InputStream in = request.getInputStream()) {
			byte[] body = in.readNBytes(Captions.MAX_BYTES + 1);
			if (body.length > Captions.MAX_BYTES) {
				throw tooLarge();
			}
			return body;
		}
	}

	private static TooLarge tooLarge() {
		return new TooLarge("A captions file is at most " + Captions.MAX_BYTES / (1024 * 1024) + " MiB.");
	}

}
