package dev.keyframe.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The one bucket Keyframe keeps its media in: sources, renditions, posters. A thin, intention-named layer over
 * the S3 client; the same code talks to AWS and to the local S3-compatible server.
 */
@Component
public class ObjectStorage {

	/** Objects that never change once written: segments, posters. */
	public static final String IMMUTABLE = "public, max-age=31536000, immutable";

	/** Objects that are rewritten: playlists. */
	public static final String SHORT_LIVED = "public, max-age=2";

	private final S3Client s3;

	private final S3Presigner presigner;

	private final StorageSettings settings;

	ObjectStorage(S3Client s3, S3Presigner presigner, StorageSettings settings) {
		this.s3 = s3;
		this.presigner = presigner;
		this.settings = settings;
	}

	public String bucket() {
		return settings.bucket();
	}

	public String startMultipartUpload(String key, String contentType) {
		return s3.createMultipartUpload(b -> b.bucket(bucket()).key(key).contentType(contentType)).uploadId();
	}

	public String presignPartUpload(String key, String uploadId, int partNumber) {
		return presigner
			.presignUploadPart(b -> b.signatureDuration(settings.presignTtl())
				.uploadPartRequest(p -> p.bucket(bucket()).key(key).uploadId(uploadId).partNumber(partNumber)))
			.url()
			.toString();
	}

	/** The parts S3 holds for an unfinished multipart upload, in part-number order. */
	public List<StoredPart> listParts(String key, String uploadId) {
		List<StoredPart> parts = new ArrayList<>();
		Integer marker = null;
		while (true) {
			Integer from = marker;
			ListPartsResponse page = s3.listParts(b -> b.bucket(bucket()).key(key).uploadId(uploadId)
				.partNumberMarker(from));
			for (Part part : page.parts()) {
				parts.add(new StoredPart(part.partNumber(), part.eTag(), part.size()));
			}
			if (!Boolean.TRUE.equals(page.isTruncated()) || page.nextPartNumberMarker() == null) {
				return parts;
			}
			marker = page.nextPartNumberMarker();
		}
	}

	public void completeMultipartUpload(String key, String uploadId, Collection<StoredPart> parts) {
		List<CompletedPart> completed = parts.stream()
			.map(p -> CompletedPart.builder().partNumber(p.partNumber()).eTag(p.etag()).build())
			.toList();
		s3.completeMultipartUpload(b -> b.bucket(bucket()).key(key).uploadId(uploadId)
			.multipartUpload(CompletedMultipartUpload.builder().parts(completed).build()));
	}

	public void abortMultipartUpload(String key, String uploadId) {
		try {
			s3.abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(bucket()).key(key).uploadId(uploadId)
				.build());
		}
		catch (S3Exception ex) {
			if (ex.statusCode() != 404) {
				throw ex;
			}
		}
	}

	/** A GET URL for tools that read over HTTP (ffprobe, ffmpeg), valid for {@code ttl}. */
	public String presignGet(String key, Duration ttl) {
		return presigner.presignGetObject(b -> b.signatureDuration(ttl).getObjectRequest(g -> g.bucket(bucket()).key(key)))
			.url()
			.toString();
	}

	public Optional<ObjectInfo> head(String key) {
		try {
			HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket()).key(key));
			return Optional.of(new ObjectInfo(key, head.contentLength(), head.contentType(), head.cacheControl(),
					head.eTag()));
		}
		catch (NoSuchKeyException ex) {
			return Optional.empty();
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == 404) {
				return Optional.empty();
			}
			throw ex;
		}
	}

	public void put(String key, Path file, String contentType, String cacheControl) {
		s3.putObject(b -> b.bucket(bucket()).key(key).contentType(contentType).cacheControl(cacheControl),
				RequestBody.fromFile(file));
	}

	public void put(String key, byte[] content, String contentType, String cacheControl) {
		s3.putObject(b -> b.bucket(bucket()).key(key).contentType(contentType).cacheControl(cacheControl),
				RequestBody.fromBytes(content));
	}

	/**
	 * Opens an object for reading, optionally a byte range ({@code bytes=0-99}); empty when it does not exist.
	 */
	public Optional<ResponseInputStream<GetObjectResponse>> open(String key, @Nullable String range) {
		try {
			return Optional.of(s3.getObject(b -> b.bucket(bucket()).key(key).range(range)));
		}
		catch (NoSuchKeyException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Opens an object unless it still has the entity tag {@code etag} (a conditional GET): {@link Read#unchanged()}
	 * then, {@link Read#missing()} when there is no such object.
	 */
	public Read openIfChanged(String key, @Nullable String etag) {
		try {
			return new Read(s3.getObject(b -> b.bucket(bucket()).key(key).ifNoneMatch(etag)), false);
		}
		catch (NoSuchKeyException ex) {
			return new Read(null, false);
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == 304) {
				return new Read(null, true);
			}
			if (ex.statusCode() == 404) {
				return new Read(null, false);
			}
			throw ex;
		}
	}

	/** What a conditional read found: the object, or that it is unchanged, or neither (it does not exist). */
	public record Read(@Nullable ResponseInputStream<GetObjectResponse> object, boolean unchanged) {

		public boolean missing() {
			return object == null && !unchanged;
		}

	}

	/** Deletes every object under a prefix in batches of up to 1000; returns how many were deleted. */
	public int deletePrefix(String prefix) {
		int deleted = 0;
		String token = null;
		do {
			String from = token;
			var page = s3.listObjectsV2(b -> b.bucket(bucket()).prefix(prefix).continuationToken(from));
			List<ObjectIdentifier> ids = page.contents()
				.stream()
				.map(S3Object::key)
				.map(k -> ObjectIdentifier.builder().key(k).build())
				.toList();
			if (!ids.isEmpty()) {
				s3.deleteObjects(b -> b.bucket(bucket()).delete(Delete.builder().objects(ids).quiet(true).build()));
				deleted += ids.size();
			}
			token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
		}
		while (token != null);
		return deleted;
	}

	public void delete(String key) {
		s3.deleteObject(b -> b.bucket(bucket()).key(key));
	}

	/** Checks the bucket answers; used by health. */
	public void ping() {
		s3.headBucket(b -> b.bucket(bucket()));
	}

	public record StoredPart(int partNumber, String etag, long size) {
	}

	public record ObjectInfo(String key, long size, @Nullable String contentType, @Nullable String cacheControl,
			@Nullable String etag) {
	}

}
