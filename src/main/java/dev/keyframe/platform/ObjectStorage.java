package dev.keyframe.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.StorageClass;
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

	/**
	 * A URL that stores one part of exactly {@code size} bytes: the Content-Length is signed with the rest, so
	 * storage refuses a body of any other size (a browser sends it for the bytes it PUTs).
	 */
	public String presignPartUpload(String key, String uploadId, int partNumber, long size) {
		return presigner
			.presignUploadPart(b -> b.signatureDuration(settings.presignTtl())
				.uploadPartRequest(p -> p.bucket(bucket())
					.key(key)
					.uploadId(uploadId)
					.partNumber(partNumber)
					.contentLength(size)))
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

	/**
	 * Stores a file of any size: one PUT up to {@code 1 GB}, a multipart upload of 256 MB parts (more for files
	 * over 2.5 TB, S3 allows 10,000 parts) above it.
	 */
	public void putLarge(String key, Path file, String contentType, String cacheControl) throws java.io.IOException {
		putLarge(key, file, contentType, cacheControl, null, 1L << 30, 256L << 20);
	}

	/**
	 * As {@link #putLarge(String, Path, String, String)}, with the {@code Content-Disposition} the object is served
	 * with ({@code attachment; filename="..."}: a browser saves it rather than shows it).
	 */
	public void putLarge(String key, Path file, String contentType, String cacheControl,
			@Nullable String contentDisposition) throws java.io.IOException {
		putLarge(key, file, contentType, cacheControl, contentDisposition, 1L << 30, 256L << 20);
	}

	/** As {@link #putLarge(String, Path, String, String)}, one PUT up to {@code single} bytes, parts of {@code partSize}. */
	public void putLarge(String key, Path file, String contentType, String cacheControl, long single, long partSize)
			throws java.io.IOException {
		putLarge(key, file, contentType, cacheControl, null, single, partSize);
	}

	private void putLarge(String key, Path file, String contentType, String cacheControl,
			@Nullable String contentDisposition, long single, long partSize) throws java.io.IOException {
		long size = java.nio.file.Files.size(file);
		if (size <= single) {
			s3.putObject(b -> b.bucket(bucket()).key(key).contentType(contentType).cacheControl(cacheControl)
				.contentDisposition(contentDisposition), RequestBody.fromFile(file));
			return;
		}
		long part = Math.max(Math.max(partSize, 5L << 20), (size + 9_999) / 10_000);
		String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket()).key(key).contentType(contentType)
			.cacheControl(cacheControl).contentDisposition(contentDisposition)).uploadId();
		try {
			List<CompletedPart> parts = new ArrayList<>();
			int number = 1;
			for (long start = 0; start < size; start += part, number++) {
				long offset = start;
				long length = Math.min(part, size - start);
				int partNumber = number;
				// a provider the SDK can call again to retry a part: each call reads the part from the file anew
				RequestBody body = RequestBody.fromContentProvider(() -> {
					try {
						var channel = java.nio.channels.FileChannel.open(file).position(offset);
						return new java.io.BufferedInputStream(
								java.nio.channels.Channels.newInputStream(channel), 1 << 20) {
							private long left = length;

							@Override
							public synchronized int read(byte[] b, int off, int len) throws java.io.IOException {
								if (left <= 0) {
									return -1;
								}
								int n = super.read(b, off, (int) Math.min(len, left));
								if (n > 0) {
									left -= n;
								}
								return n;
							}

							@Override
							public synchronized int read() throws java.io.IOException {
								if (left <= 0) {
									return -1;
								}
								left--;
								return super.read();
							}
						};
					}
					catch (java.io.IOException ex) {
						throw new java.io.UncheckedIOException(ex);
					}
				}, length, "application/octet-stream");
				var uploaded = s3.uploadPart(b -> b.bucket(bucket()).key(key).uploadId(uploadId).partNumber(partNumber)
					.contentLength(length), body);
				parts.add(CompletedPart.builder().partNumber(partNumber).eTag(uploaded.eTag()).build());
			}
			s3.completeMultipartUpload(b -> b.bucket(bucket()).key(key).uploadId(uploadId)
				.multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
		}
		catch (RuntimeException ex) {
			abortMultipartUpload(key, uploadId);
			throw ex;
		}
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
			deleted += deleteAll(page.contents().stream().map(S3Object::key).toList());
			token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
		}
		while (token != null);
		return deleted;
	}

	/** Every object under a prefix, in key order, with its size and storage class. */
	public List<Listed> list(String prefix) {
		List<Listed> listed = new ArrayList<>();
		String token = null;
		do {
			String from = token;
			var page = s3.listObjectsV2(b -> b.bucket(bucket()).prefix(prefix).continuationToken(from));
			page.contents().forEach(o -> listed.add(new Listed(o.key(), o.size(), o.storageClassAsString())));
			token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
		}
		while (token != null);
		return listed;
	}

	/**
	 * Deletes the keys with S3 batch deletes (up to 1000 a request). Keys that do not exist count as deleted, as
	 * S3 counts them; if S3 refuses any key the call fails with its error, after the rest are gone.
	 * @return how many keys were asked to go
	 */
	public int deleteAll(Collection<String> keys) {
		Map<String, String> refused = deleteEach(keys);
		if (!refused.isEmpty()) {
			var first = refused.entrySet().iterator().next();
			throw new IllegalStateException(refused.size() + " of " + keys.size() + " objects could not be deleted; first "
					+ first.getKey() + ": " + first.getValue());
		}
		return keys.size();
	}

	/**
	 * Deletes the keys with S3 batch deletes (up to 1000 a request) and says which S3 refused, and why (an object
	 * lock, a permission); the others are gone.
	 */
	public Map<String, String> deleteEach(Collection<String> keys) {
		List<String> all = List.copyOf(keys);
		Map<String, String> refused = new LinkedHashMap<>();
		for (int from = 0; from < all.size(); from += 1000) {
			List<ObjectIdentifier> ids = all.subList(from, Math.min(all.size(), from + 1000))
				.stream()
				.map(k -> ObjectIdentifier.builder().key(k).build())
				.toList();
			var response = s3.deleteObjects(b -> b.bucket(bucket()).delete(Delete.builder().objects(ids).quiet(true).build()));
			if (response.hasErrors()) {
				response.errors().forEach(e -> refused.put(e.key(), e.code() + " " + e.message()));
			}
		}
		return refused;
	}

	/**
	 * Rewrites an object onto itself in another storage class, keeping its content and headers (type, caching,
	 * disposition, encoding, language, user metadata, server-side encryption). Objects up to {@code partSize} take
	 * one CopyObject; larger ones (CopyObject stops at 5 GB) a multipart copy, in parts of {@code partSize} or more
	 * (S3 allows 10,000 parts). Nothing happens when the object is already in that class; an object in GLACIER or
	 * DEEP_ARCHIVE cannot be copied until it is restored, and the call says so.
	 */
	public void changeStorageClass(String key, String storageClass, long partSize) {
		HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket()).key(key));
		String current = head.storageClassAsString() == null ? "STANDARD" : head.storageClassAsString();
		if (current.equals(storageClass)) {
			return;
		}
		if ((current.equals("GLACIER") || current.equals("DEEP_ARCHIVE")) && head.restore() == null) {
			throw new IllegalStateException(key + " is in " + current + "; restore it before changing its class");
		}
		StorageClass target = StorageClass.fromValue(storageClass);
		if (head.contentLength() <= partSize) {
			s3.copyObject(b -> b.sourceBucket(bucket()).sourceKey(key).destinationBucket(bucket()).destinationKey(key)
				.metadataDirective(MetadataDirective.REPLACE).storageClass(target).contentType(head.contentType())
				.cacheControl(head.cacheControl()).contentDisposition(head.contentDisposition())
				.contentEncoding(head.contentEncoding()).contentLanguage(head.contentLanguage())
				.metadata(head.metadata()).serverSideEncryption(head.serverSideEncryption())
				.ssekmsKeyId(head.ssekmsKeyId()).copySourceIfMatch(head.eTag()));
			return;
		}
		long size = head.contentLength();
		long part = Math.max(partSize, (size + 9_999) / 10_000);
		String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket()).key(key).storageClass(target)
			.contentType(head.contentType()).cacheControl(head.cacheControl())
			.contentDisposition(head.contentDisposition()).contentEncoding(head.contentEncoding())
			.contentLanguage(head.contentLanguage()).metadata(head.metadata())
			.serverSideEncryption(head.serverSideEncryption()).ssekmsKeyId(head.ssekmsKeyId())).uploadId();
		try {
			List<CompletedPart> parts = new ArrayList<>();
			int number = 1;
			for (long start = 0; start < size; start += part, number++) {
				String range = "bytes=" + start + "-" + (Math.min(size, start + part) - 1);
				int partNumber = number;
				var copied = s3.uploadPartCopy(b -> b.sourceBucket(bucket()).sourceKey(key).destinationBucket(bucket())
					.destinationKey(key).uploadId(uploadId).partNumber(partNumber).copySourceRange(range)
					.copySourceIfMatch(head.eTag()));
				parts.add(CompletedPart.builder().partNumber(partNumber).eTag(copied.copyPartResult().eTag()).build());
			}
			s3.completeMultipartUpload(b -> b.bucket(bucket()).key(key).uploadId(uploadId)
				.multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
		}
		catch (RuntimeException ex) {
			abortMultipartUpload(key, uploadId);
			throw ex;
		}
	}

	/** Multipart uploads S3 holds open under a prefix, whether or not anything still knows of them. */
	public List<OpenMultipartUpload> openMultipartUploads(String prefix) {
		List<OpenMultipartUpload> open = new ArrayList<>();
		String keyMarker = null;
		String idMarker = null;
		while (true) {
			String key = keyMarker;
			String id = idMarker;
			var page = s3.listMultipartUploads(b -> b.bucket(bucket()).prefix(prefix).keyMarker(key).uploadIdMarker(id));
			page.uploads().forEach(u -> open.add(new OpenMultipartUpload(u.key(), u.uploadId(), u.initiated())));
			if (!Boolean.TRUE.equals(page.isTruncated())) {
				return open;
			}
			keyMarker = page.nextKeyMarker();
			idMarker = page.nextUploadIdMarker();
		}
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

	/** An object as a listing shows it. */
	public record Listed(String key, long size, @Nullable String storageClass) {
	}

	public record OpenMultipartUpload(String key, String uploadId, java.time.Instant initiated) {
	}

	public record ObjectInfo(String key, long size, @Nullable String contentType, @Nullable String cacheControl,
			@Nullable String etag) {
	}

}
