package dev.keyframe.playback.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.keyframe.platform.ObjectStorage;
import jakarta.servlet.http.HttpServletRequest;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

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

	@RequestMapping(path = "/media/**", method = RequestMethod.HEAD)
	ResponseEntity<Void> head(HttpServletRequest request) {
		String key = key(request);
		var info = key == null ? Optional.<ObjectStorage.ObjectInfo>empty() : storage.head(key);
		if (info.isEmpty()) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
		}
		var response = ResponseEntity.ok().header(HttpHeaders.ACCEPT_RANGES, "bytes").contentLength(info.get().size());
		if (info.get().contentType() != null) {
			response.header(HttpHeaders.CONTENT_TYPE, info.get().contentType());
		}
		if (info.get().cacheControl() != null) {
			response.header(HttpHeaders.CACHE_CONTROL, info.get().cacheControl());
		}
		return response.build();
	}

	@GetMapping("/media/**")
	ResponseEntity<StreamingResponseBody> get(HttpServletRequest request,
			@RequestHeader(value = HttpHeaders.RANGE, required = false) String range) {
		String key = key(request);
		if (key == null) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
		}
		Optional<ResponseInputStream<GetObjectResponse>> found;
		try {
			found = storage.open(key, range);
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == 416) {
				return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE).build();
			}
			throw ex;
		}
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
			catch (IOException ex) {
				// the player went away: drop the connection to storage instead of draining the rest
				object.abort();
				throw ex;
			}
		});
	}

	/** The storage key a request names, or null when it is not a media object's key. */
	private static @Nullable String key(HttpServletRequest request) {
		String path = (String) request.getAttribute(HandlerMapping.PATH_WITHIN_HANDLER_MAPPING_ATTRIBUTE);
		String key = path.startsWith("/") ? path.substring(1) : path;
		return SAFE_KEY.matcher(key).matches() && !key.contains("..") ? key : null;
	}

}
