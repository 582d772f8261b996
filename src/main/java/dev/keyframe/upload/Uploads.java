package dev.keyframe.upload;

import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.keyframe.catalog.AssetDeleted;
import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.AssetView;
import dev.keyframe.catalog.NewAsset;
import dev.keyframe.identity.CurrentUser;
import dev.keyframe.identity.Role;
import dev.keyframe.identity.UserView;
import dev.keyframe.platform.Conflict;
import dev.keyframe.platform.Invalid;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.MediaProbe;
import dev.keyframe.platform.MediaProbeException;
import dev.keyframe.platform.NotFound;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.platform.ObjectStorage.StoredPart;
import dev.keyframe.platform.TooLarge;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Multipart uploads from the client straight to storage. Each step checks what storage really holds, so a
 * client that lost its state (a reload, a crash) can always resume from the parts already stored.
 */
@Service
public class Uploads {

	private static final Logger log = LoggerFactory.getLogger(Uploads.class);

	private final UploadSessions sessions;

	private final AssetManagement assets;

	private final ObjectStorage storage;

	private final MediaProbe probe;

	private final UploadSettings settings;

	private final TransactionTemplate tx;

	private final MeterRegistry meters;

	private final Clock clock;

	private final CurrentUser current;

	Uploads(UploadSessions sessions, AssetManagement assets, ObjectStorage storage, MediaProbe probe,
			UploadSettings settings, TransactionTemplate tx, MeterRegistry meters, CurrentUser current,
			Optional<Clock> clock) {
		this.current = current;
		this.sessions = sessions;
		this.assets = assets;
		this.storage = storage;
		this.probe = probe;
		this.settings = settings;
		this.tx = tx;
		this.meters = meters;
		this.clock = clock.orElse(Clock.systemUTC());
	}

	public StartedUpload start(StartUpload request) {
		String filename = FileNames.clean(request.filename());
		if (request.size() <= 0) {
			throw new Invalid("The file is empty: choose a file with content.");
		}
		if (request.size() > settings.maxSize().toBytes()) {
			throw new TooLarge("The file is " + FileNames.human(request.size())
					+ "; the largest file this Keyframe accepts is " + FileNames.human(settings.maxSize().toBytes()) + ".");
		}
		String contentType = FileNames.contentType(request.contentType());
		String title = request.title() == null || FileNames.text(request.title()).isBlank() ? FileNames.title(filename)
				: FileNames.trim(FileNames.text(request.title()), 300);
		PartPlan plan = PartPlan.of(request.size(), settings.partSize().toBytes(), UploadSettings.MAX_PARTS);
		UploadSession session = tx.execute(status -> {
			String by = current.get().map(UserView::username).orElse(null);
			AssetId asset = assets.create(new NewAsset(title, filename, contentType, request.size(), by));
			String key = AssetKeys.source(asset);
			String uploadId = storage.startMultipartUpload(key, contentType);
			return sessions.save(new UploadSession(asset.value(), key, uploadId, filename, contentType, plan,
					clock.instant(), clock.instant().plus(settings.ttl()), by));
		});
		int first = Math.min(plan.partCount(), settings.presignBatch());
		return new StartedUpload(session.id(), session.assetId(), plan.partSize(), plan.partCount(),
				presign(session, IntStream.rangeClosed(1, first).boxed().toList()), session.expiresAt());
	}

	public List<PartUrl> presignParts(UUID uploadId, List<Integer> partNumbers) {
		UploadSession session = active(uploadId);
		if (partNumbers == null || partNumbers.isEmpty() || partNumbers.size() > 1000) {
			throw new Invalid("Ask for between 1 and 1000 parts at a time.");
		}
		return presign(session, partNumbers);
	}

	public UploadStatus status(UUID uploadId) {
		UploadSession session = load(uploadId);
		List<StoredPart> stored = session.state() == UploadState.ACTIVE
				? storage.listParts(session.objectKey(), session.s3UploadId()) : List.of();
		return new UploadStatus(session.id(), session.assetId(), session.state(), session.filename(),
				session.plan().size(), session.plan().partSize(), session.plan().partCount(), stored,
				session.failureReason(), session.expiresAt());
	}

	/** The caller's unfinished uploads (an admin's: everyone's), newest first, so a client can offer to resume them. */
	public List<UploadStatus> unfinished() {
		var user = current.get();
		List<UploadSession> open = user.isEmpty() || user.get().role() == Role.ADMIN
				? sessions.findTop100ByStateOrderByCreatedAtDesc(UploadState.ACTIVE)
				: sessions.findTop100ByStateAndCreatedByOrderByCreatedAtDesc(UploadState.ACTIVE, user.get().username());
		return open.stream()
			.map(s -> new UploadStatus(s.id(), s.assetId(), s.state(), s.filename(), s.plan().size(),
					s.plan().partSize(), s.plan().partCount(), List.of(), null, s.expiresAt()))
			.toList();
	}

	/**
	 * Completes the upload: every part must be stored with the expected size; the object is then probed, and the
	 * asset either goes on to be transcoded or ends FAILED with a reason. Calling it again is harmless.
	 */
	public CompletedUpload complete(UUID uploadId, List<PartEtag> claimed) {
		UploadSession session = load(uploadId);
		AssetId asset = new AssetId(session.assetId());
		if (session.state() == UploadState.COMPLETED) {
			return completed(asset);
		}
		if (session.state() != UploadState.ACTIVE) {
			throw new Conflict("This upload was " + session.state().name().toLowerCase()
					+ (session.failureReason() == null ? "" : ": " + session.failureReason()) + ". Start a new upload.");
		}
		Optional<ObjectStorage.ObjectInfo> existing = storage.head(session.objectKey());
		if (existing.isEmpty()) {
			if (claimed == null) {
				throw new Invalid("List the parts you uploaded, each with its ETag.");
			}
			List<StoredPart> parts = checkParts(session, claimed);
			try {
				storage.completeMultipartUpload(session.objectKey(), session.s3UploadId(), parts);
			}
			catch (S3Exception ex) {
				if (storage.head(session.objectKey()).isEmpty()) {
					throw new Invalid("Storage refused to assemble the parts: "
							+ ex.awsErrorDetails().errorMessage() + ". Check the parts (GET this upload) and try again.");
				}
			}
			existing = storage.head(session.objectKey());
		}
		long stored = existing.map(ObjectStorage.ObjectInfo::size).orElse(0L);
		if (stored != session.plan().size()) {
			return fail(session, "The upload is truncated: " + FileNames.human(session.plan().size())
					+ " were announced but " + FileNames.human(stored) + " arrived. Upload the file again.");
		}
		MediaInfo media;
		try {
			media = probe.probe(storage.presignGet(session.objectKey(), Duration.ofMinutes(15)));
		}
		catch (MediaProbeException ex) {
			return fail(session, ex.getMessage());
		}
		tx.executeWithoutResult(status -> {
			UploadSession locked = sessions.lockById(uploadId).orElseThrow();
			if (locked.state() == UploadState.ACTIVE) {
				locked.completed(clock.instant());
				assets.uploaded(asset, media);
				meters.counter("keyframe.uploads", "outcome", "completed").increment();
			}
		});
		return completed(asset);
	}

	/** Aborts the multipart upload and removes the asset it would have become. */
	public void abort(UUID uploadId) {
		UploadSession session = load(uploadId);
		if (session.state() != UploadState.ACTIVE) {
			return;
		}
		storage.abortMultipartUpload(session.objectKey(), session.s3UploadId());
		tx.executeWithoutResult(status -> {
			UploadSession locked = sessions.lockById(uploadId).orElseThrow();
			if (locked.state() == UploadState.ACTIVE) {
				locked.ended(UploadState.ABORTED, "Cancelled", clock.instant());
				if (assets.exists(new AssetId(session.assetId()))) {
					assets.delete(new AssetId(session.assetId()));
				}
			}
		});
	}

	/** An asset deleted while its upload is open takes the upload with it. */
	@ApplicationModuleListener
	void on(AssetDeleted event) {
		for (UploadSession session : sessions.findByAssetIdAndState(event.asset().value(), UploadState.ACTIVE)) {
			storage.abortMultipartUpload(session.objectKey(), session.s3UploadId());
			session.ended(UploadState.ABORTED, "The asset was deleted", clock.instant());
			sessions.save(session);
		}
	}

	/** Aborts uploads left open past their time, so storage does not keep paying for orphaned parts. */
	public void expireAbandoned() {
		for (UploadSession session : sessions.findTop100ByStateAndExpiresAtBefore(UploadState.ACTIVE, clock.instant())) {
			try {
				end(session, "Not completed in time", "The upload was not completed within "
						+ settings.ttl().toHours() + " h and was discarded. Upload the file again.");
				log.info("Expired upload {} of asset {}", session.id(), session.assetId());
			}
			catch (RuntimeException ex) {
				log.warn("Could not expire upload {}: {}", session.id(), ex.getMessage());
			}
		}
	}

	/**
	 * Unfinished uploads started before {@code cutoff}, oldest first: open upload sessions, and multipart uploads
	 * storage holds under the sources prefix that no session knows of (an instance that died between starting one
	 * and recording it). What an abort-unfinished-uploads rule ends.
	 */
	public List<StaleUpload> staleSince(Instant cutoff, int limit) {
		List<StaleUpload> stale = new ArrayList<>();
		for (UploadSession s : sessions.findByStateAndCreatedAtBeforeOrderByCreatedAt(UploadState.ACTIVE, cutoff,
				org.springframework.data.domain.PageRequest.of(0, limit))) {
			stale.add(new StaleUpload(s.id(), s.assetId(), s.objectKey(), s.s3UploadId(), s.filename(),
					storedBytes(s.objectKey(), s.s3UploadId()), s.createdAt()));
		}
		for (var open : storage.openMultipartUploads("sources/")) {
			if (stale.size() >= limit) {
				break;
			}
			if (open.initiated().isBefore(cutoff) && !sessions.existsByS3UploadId(open.uploadId())) {
				stale.add(new StaleUpload(null, null, open.key(), open.uploadId(), open.key(),
						storedBytes(open.key(), open.uploadId()), open.initiated()));
			}
		}
		return stale;
	}

	/**
	 * Aborts an unfinished upload in storage (its parts are freed) and, for a session, marks it expired and its
	 * asset failed with {@code reason}. Harmless when it is already gone.
	 * @return whether the upload was still open
	 */
	public boolean abortStale(StaleUpload upload, String reason) {
		if (upload.sessionId() == null) {
			storage.abortMultipartUpload(upload.key(), upload.s3UploadId());
			return true;
		}
		UploadSession session = load(upload.sessionId());
		if (session.state() != UploadState.ACTIVE) {
			return false;
		}
		return end(session, reason, reason + " Upload the file again.");
	}

	private boolean end(UploadSession session, String sessionReason, String assetReason) {
		storage.abortMultipartUpload(session.objectKey(), session.s3UploadId());
		return Boolean.TRUE.equals(tx.execute(status -> {
			UploadSession locked = sessions.lockById(session.id()).orElseThrow();
			if (locked.state() != UploadState.ACTIVE) {
				return false;
			}
			locked.ended(UploadState.EXPIRED, sessionReason, clock.instant());
			assets.failed(new AssetId(session.assetId()), assetReason);
			return true;
		}));
	}

	private long storedBytes(String key, String uploadId) {
		try {
			return storage.listParts(key, uploadId).stream().mapToLong(StoredPart::size).sum();
		}
		catch (RuntimeException ex) {
			return 0; // already aborted or completed
		}
	}

	/**
	 * An upload left unfinished.
	 *
	 * @param sessionId its session, or null for a multipart upload storage holds that no session knows
	 * @param storedBytes what its stored parts hold
	 */
	public record StaleUpload(@Nullable UUID sessionId, @Nullable UUID assetId, String key, String s3UploadId,
			String filename, long storedBytes, Instant startedAt) {
	}

	private List<StoredPart> checkParts(UploadSession session, List<PartEtag> claimed) {
		PartPlan plan = session.plan();
		Map<Integer, StoredPart> stored = new TreeMap<>();
		storage.listParts(session.objectKey(), session.s3UploadId()).forEach(p -> stored.put(p.partNumber(), p));
		Set<Integer> claimedNumbers = new HashSet<>();
		for (PartEtag part : claimed) {
			if (part.partNumber() < 1 || part.partNumber() > plan.partCount() || !claimedNumbers.add(part.partNumber())) {
				throw new Invalid("Part " + part.partNumber() + " is not one of this upload's "
						+ plan.partCount() + " parts, or is listed twice.");
			}
		}
		List<Integer> missing = new ArrayList<>();
		List<StoredPart> parts = new ArrayList<>();
		for (int number = 1; number <= plan.partCount(); number++) {
			StoredPart part = stored.get(number);
			if (part == null) {
				missing.add(number);
				continue;
			}
			if (part.size() != plan.expectedSize(number)) {
				throw new Invalid("Part " + number + " holds " + part.size()
						+ " bytes but should hold " + plan.expectedSize(number) + ": upload that part again.");
			}
			parts.add(part);
		}
		if (!missing.isEmpty()) {
			throw new Invalid(missing.size() + " of " + plan.partCount()
					+ " parts are not stored yet (" + FileNames.ranges(missing)
					+ "): upload them, then complete again. The parts already stored are kept.");
		}
		for (PartEtag part : claimed) {
			StoredPart actual = stored.get(part.partNumber());
			if (!unquote(actual.etag()).equals(unquote(part.etag()))) {
				throw new Invalid("Part " + part.partNumber()
						+ " in storage is not the one you sent (its ETag differs): upload that part again.");
			}
		}
		return parts;
	}

	private CompletedUpload fail(UploadSession session, String reason) {
		AssetId asset = new AssetId(session.assetId());
		tx.executeWithoutResult(status -> {
			UploadSession locked = sessions.lockById(session.id()).orElseThrow();
			if (locked.state() == UploadState.ACTIVE) {
				locked.completed(clock.instant());
				assets.failed(asset, reason);
				meters.counter("keyframe.uploads", "outcome", "failed").increment();
			}
		});
		log.info("Upload {} of asset {} failed: {}", session.id(), asset, reason);
		return completed(asset);
	}

	private CompletedUpload completed(AssetId asset) {
		AssetView view = assets.find(asset).orElseThrow();
		return new CompletedUpload(asset.value(), view.status(), view.statusReason());
	}

	private List<PartUrl> presign(UploadSession session, List<Integer> numbers) {
		return numbers.stream().map(n -> {
			if (n < 1 || n > session.plan().partCount()) {
				throw new Invalid("Part " + n + " is outside 1.." + session.plan().partCount() + ".");
			}
			long size = session.plan().expectedSize(n);
			return new PartUrl(n, size, storage.presignPartUpload(session.objectKey(), session.s3UploadId(), n, size));
		}).toList();
	}

	private UploadSession active(UUID uploadId) {
		UploadSession session = load(uploadId);
		if (session.state() != UploadState.ACTIVE) {
			throw new Conflict("This upload is " + session.state().name().toLowerCase() + "; start a new upload.");
		}
		return session;
	}

	private UploadSession load(UUID uploadId) {
		return sessions.findById(uploadId)
			.filter(this::mayUse)
			.orElseThrow(() -> new NotFound("There is no upload " + uploadId + "."));
	}

	/**
	 * Only the person who started an upload, or an admin, may see, resume or abort it (others are told it does
	 * not exist); work without a signed-in user (expiry) may touch any.
	 */
	private boolean mayUse(UploadSession session) {
		return current.get()
			.map(user -> user.role() == Role.ADMIN || session.createdBy() == null
					|| session.createdBy().equals(user.username()))
			.orElse(true);
	}

	private static String unquote(String etag) {
		return etag.replace("\"", "");
	}

	public record StartUpload(String filename, long size, @Nullable String contentType, @Nullable String title) {
	}

	public record StartedUpload(UUID uploadId, UUID assetId, long partSize, int partCount, List<PartUrl> parts,
			java.time.Instant expiresAt) {
	}

	public record PartUrl(int partNumber, long size, String url) {
	}

	public record PartEtag(int partNumber, String etag) {
	}

	public record UploadStatus(UUID uploadId, UUID assetId, UploadState state, String filename, long size,
			long partSize, int partCount, List<StoredPart> storedParts, @Nullable String failureReason,
			java.time.Instant expiresAt) {
	}

	public record CompletedUpload(UUID assetId, AssetStatus status, @Nullable String reason) {
	}

}
