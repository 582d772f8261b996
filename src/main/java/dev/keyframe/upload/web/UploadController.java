package dev.keyframe.upload.web;

import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.keyframe.upload.Uploads;
import dev.keyframe.upload.Uploads.CompletedUpload;
import dev.keyframe.upload.Uploads.PartEtag;
import dev.keyframe.upload.Uploads.PartUrl;
import dev.keyframe.upload.Uploads.StartUpload;
import dev.keyframe.upload.Uploads.StartedUpload;
import dev.keyframe.upload.Uploads.UploadStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping("/api/uploads")
@Tag(name = "Uploads", description = "Resumable multipart uploads straight to storage through presigned URLs")
class UploadController {

	private final Uploads uploads;

	UploadController(Uploads uploads) {
		this.uploads = uploads;
	}

	@PostMapping
	@Operation(summary = "Start an upload: returns the asset id, the part size and the first presigned part URLs. "
			+ "PUT each part's bytes to its URL with Content-Type application/octet-stream and keep the ETag header.")
	ResponseEntity<StartedUpload> start(@RequestBody StartUpload request) {
		return ResponseEntity.status(HttpStatus.CREATED).body(uploads.start(request));
	}

	@GetMapping
	@Operation(summary = "Your unfinished uploads (an admin: everyone's), to offer resuming them")
	List<UploadStatus> unfinished() {
		return uploads.unfinished();
	}

	@GetMapping("/{id}")
	@Operation(summary = "An upload with the parts storage already holds (to resume)")
	UploadStatus status(@PathVariable UUID id) {
		return uploads.status(id);
	}

	@PostMapping("/{id}/parts")
	@Operation(summary = "Presign more part URLs")
	List<PartUrl> presign(@PathVariable UUID id, @RequestBody PartsRequest request) {
		return uploads.presignParts(id, request.partNumbers());
	}

	@PostMapping("/{id}/complete")
	@Operation(summary = "Complete the upload with each part's ETag; the file is then checked and probed")
	CompletedUpload complete(@PathVariable UUID id, @RequestBody CompleteRequest request) {
		return uploads.complete(id, request.parts());
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Abort the upload; stored parts and the pending asset are removed")
	ResponseEntity<Void> abort(@PathVariable UUID id) {
		uploads.abort(id);
		return ResponseEntity.noContent().build();
	}

	record PartsRequest(List<Integer> partNumbers) {
	}

	record CompleteRequest(List<PartEtag> parts) {
	}

}
