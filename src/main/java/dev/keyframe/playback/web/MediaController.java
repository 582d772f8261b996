package dev.keyframe.playback.web;

import java.io.InputStream;
import java.util.regex.Pattern;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.keyframe.platform.ObjectStorage;
import jakarta.servlet.http.HttpServletRequest;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Serves rendition objects ({@code /media/<asset>/...}) from storage, passing through the Cache-Control and
 * Content-Type stored with each object, and byte ranges. Only keys under {@code media/} are reachable; sources
 * never are.
 */
@RestController
class MediaController {

	private static final Pattern SAFE_KEY = Pattern.compile("^media/[0-9a-f-]{36}/[A-Za-z0-9._/-]{1,200}$");

	private final ObjectStorage storage;

	MediaController(ObjectStorage storage) {
		this.storage = storage;
	}

	@GetMapping("/media/**")
	ResponseEntity<StreamingResponseBody> get(HttpServletRequest request,
			@RequestHeader(value = HttpHeaders.RANGE, required = false) String range) {
		String path = (String) request.getAttribute(HandlerMapping.PATH_WITHIN_HANDLER_MAPPING_ATTRIBUTE);
		String key = path.startsWith("/") ? path.substring(1) : path;
		if (!SAFE_KEY.matcher(key).matches() || key.contains("..")) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
		}
		var found = storage.open(key, range);
		if (found.isEmpty()) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
		}
		ResponseInputStream<GetObjectResponse> object = found.get();
		GetObjectResponse meta = object.response();
		var response = ResponseEntity.status(meta.contentRange() != null ? HttpStatus.PARTIAL_CONTENT : HttpStatus.OK)
			.header(HttpHeaders.ACCEPT_RANGES, "bytes")
			.header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
		if (meta.contentType() != null) {
			response.header(HttpHeaders.CONTENT_TYPE, meta.contentType());
		}
		if (meta.cacheControl() != null) {
			response.header(HttpHeaders.CACHE_CONTROL, meta.cacheControl());
		}
		if (meta.eTag() != null) {
			response.header(HttpHeaders.ETAG, meta.eTag());
		}
		if (meta.contentRange() != null) {
			response.header(HttpHeaders.CONTENT_RANGE, meta.contentRange());
		}
		if (meta.contentLength() != null) {
			response.contentLength(meta.contentLength());
		}
		return response.body(out -> {
			try (InputStream in = object) {
				in.transferTo(out);
			}
		});
	}

}
