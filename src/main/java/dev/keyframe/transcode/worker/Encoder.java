package dev.keyframe.transcode.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.github.kokorin.jaffree.StreamType;
import com.github.kokorin.jaffree.ffmpeg.FFmpeg;
import com.github.kokorin.jaffree.ffmpeg.FFmpegResultFuture;
import com.github.kokorin.jaffree.ffmpeg.UrlInput;
import com.github.kokorin.jaffree.ffmpeg.UrlOutput;
import com.github.kokorin.jaffree.ffprobe.FFprobeResult;
import com.github.kokorin.jaffree.ffprobe.Packet;
import com.github.kokorin.jaffree.ffprobe.Stream;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AssetSource;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
import dev.keyframe.platform.Instance;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.MediaSettings;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.transcode.TranscodeSettings;
import dev.keyframe.transcode.internal.Alignment;
import dev.keyframe.transcode.internal.EncodeCommand;
import dev.keyframe.transcode.internal.HlsPlaylist;
import dev.keyframe.transcode.internal.JobLifecycle.JobResult;
import dev.keyframe.transcode.internal.PlannedJob;
import dev.keyframe.transcode.internal.TranscodeJob;

/**
 * Makes a group of renditions with one ffmpeg process reading the source over a presigned URL. Segments are
 * uploaded while ffmpeg is still encoding (ffmpeg writes each to a temporary name and renames it when complete);
 * after it exits, each rendition is checked (playlist, a keyframe at every segment boundary) and its playlist is
 * stored last, so a rendition is publishable only once all of its
 * objects are stored. Scratch files are removed whatever happens.
 */
@Component
class Encoder {

	private static final Logger log = LoggerFactory.getLogger(Encoder.class);

	private static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";

	private static final String PERMANENT = "[permanent] ";

	private final MediaTools tools;

	private final ObjectStorage storage;

	private final TranscodeSettings settings;

	private final Path scratch;

	/**
	 * Encodes write under {@code keyframe.media.scratch-dir} if set, else under this instance's own work directory
	 * ({@code <work-root>/<instance>/transcode}), which a later start on this host removes if this one is killed.
	 */
	Encoder(MediaTools tools, ObjectStorage storage, TranscodeSettings settings, MediaSettings media,
			Instance instance) {
		this.tools = tools;
		this.storage = storage;
		this.settings = settings;
		this.scratch = media.scratchDir() != null ? media.scratchDir() : instance.scratch("transcode");
	}

	/**
	 * @param progress receives 0..1 as ffmpeg advances
	 * @param cancelled polled while working; true stops ffmpeg and any further upload (the job was lost or the
	 * worker is stopping)
	 */
	List<JobResult> encode(AssetId asset, AssetSource source, List<TranscodeJob> jobs, DoubleConsumer progress,
			BooleanSupplier cancelled) {
		Path dir = null;
		try (Uploads uploads = new Uploads(cancelled)) {
			Files.createDirectories(scratch);
			dir = Files.createTempDirectory(scratch, "job-");
			List<TranscodeJob> ordered = jobs.stream()
				.sorted(Comparator.comparingInt((TranscodeJob j) -> j.plan().shortSide()).reversed())
				.toList();
			Optional<String> failure = runFfmpeg(asset, source, ordered, dir, uploads, progress, cancelled);
			if (failure.isPresent()) {
				boolean retryable = !failure.get().startsWith(PERMANENT);
				String reason = failure.get().replace(PERMANENT, "");
				return ordered.stream().map(j -> JobResult.failed(j, reason, retryable)).toList();
			}
			// the renditions are checked and stored side by side: each waits on its own ffprobe run
			Path output = dir;
			List<Future<JobResult>> checks = ordered.stream()
				.map(job -> uploads.executor.submit(
						() -> finish(asset, source.media(), job, output.resolve(job.profile()), uploads, cancelled)))
				.toList();
			List<JobResult> results = new ArrayList<>();
			for (Future<JobResult> check : checks) {
				results.add(check.get());
			}
			return results;
		}
		catch (IOException | UncheckedIOException ex) {
			String reason = "Scratch space problem on the worker: " + ex.getMessage();
			return jobs.stream().map(j -> JobResult.failed(j, reason, true)).toList();
		}
		catch (ExecutionException ex) {
			String reason = "Checking the renditions failed: " + ex.getCause().getMessage();
			return jobs.stream().map(j -> JobResult.failed(j, reason, true)).toList();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return jobs.stream().map(j -> JobResult.failed(j, "The encode was interrupted.", true)).toList();
		}
		finally {
			if (dir != null) {
				deleteRecursively(dir);
			}
		}
	}

	/** Extracts a poster frame from the source and stores it; returns its key, or empty if that failed. */
	Optional<String> poster(AssetId asset, AssetSource source) {
		if (source.media().video() == null) {
			return Optional.empty();
		}
		Path dir = null;
		try {
			Files.createDirectories(scratch);
			dir = Files.createTempDirectory(scratch, "poster-");
			Path poster = dir.resolve("poster.jpg");
			long at = Math.min(source.media().durationMillis() / 10, 10_000);
			FFmpegResultFuture future = tools.ffmpeg()
				.addInput(UrlInput.fromUrl(storage.presignGet(source.key(), Duration.ofMinutes(30)))
					.addArguments("-format_whitelist", MediaTools.INPUT_FORMATS)
					.addArguments("-rw_timeout", "30000000")
					.setPosition(at, TimeUnit.MILLISECONDS))
				.addOutput(UrlOutput.toPath(poster)
					.setFrameCount(StreamType.VIDEO, 1L)
					.addArguments("-vf", source.media().video().portrait() ? "scale=360:-2" : "scale=-2:360")
					.addArguments("-q:v", "3")
					.addArguments("-update", "1"))
				.setOverwriteOutput(true)
				.executeAsync();
			try {
				future.get(60, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				future.forceStop();
				throw new IOException("the poster took longer than 60 s");
			}
			String key = AssetKeys.poster(asset);
			storage.put(key, poster, "image/jpeg", "public, max-age=86400");
			return Optional.of(key);
		}
		catch (RuntimeException | IOException | ExecutionException ex) {
			log.warn("No poster for asset {}: {}", asset, ex.getMessage());
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
		finally {
			if (dir != null) {
				deleteRecursively(dir);
			}
		}
	}

	private Optional<String> runFfmpeg(AssetId asset, AssetSource source, List<TranscodeJob> jobs, Path dir,
			Uploads uploads, DoubleConsumer progress, BooleanSupplier cancelled) throws IOException {
		MediaInfo media = source.media();
		List<PlannedJob> plans = jobs.stream().map(TranscodeJob::plan).toList();
		// the group that makes the asset playable first runs at normal priority, the rest in the background
		boolean urgent = jobs.stream().anyMatch(j -> j.encodeGroup() == 0);
		FFmpeg ffmpeg = (urgent ? tools.ffmpeg() : tools.ffmpegInBackground())
			.addInput(UrlInput.fromUrl(storage.presignGet(source.key(), Duration.ofHours(12)))
				.addArguments("-format_whitelist", MediaTools.INPUT_FORMATS)
				.addArguments("-rw_timeout", "30000000"))
			.setOverwriteOutput(true);
		String graph = EncodeCommand.filterGraph(media, plans);
		if (graph != null) {
			ffmpeg.setComplexFilter(graph);
		}
		Map<Path, String> outputs = new LinkedHashMap<>();
		int videoIndex = 0;
		for (PlannedJob plan : plans) {
			Path out = Files.createDirectories(dir.resolve(plan.profile()));
			outputs.put(out, AssetKeys.renditionPrefix(asset, plan.profile()));
			UrlOutput output = UrlOutput.toPath(out.resolve("index.m3u8"));
			EncodeCommand.outputArguments(media, plan, videoIndex, settings.preset(), settings.segmentSeconds(),
					settings.gopSeconds(), out.resolve("seg_%05d.ts").toString()).forEach(output::addArgument);
			ffmpeg.addOutput(output);
			if (plan.kind() == RenditionKind.VIDEO) {
				videoIndex++;
			}
		}
		AtomicLong lastAdvance = new AtomicLong(System.nanoTime());
		AtomicLong lastMillis = new AtomicLong(-1);
		long duration = Math.max(1, media.durationMillis());
		ffmpeg.setProgressListener(p -> {
			Long millis = p.getTimeMillis();
			if (millis != null && millis > lastMillis.get()) {
				lastMillis.set(millis);
				lastAdvance.set(System.nanoTime());
				progress.accept(Math.min(0.99, millis / (double) duration));
			}
		});
		FFmpegResultFuture future = ffmpeg.executeAsync();
		try {
			while (true) {
				try {
					future.get(500, TimeUnit.MILLISECONDS);
					return Optional.empty();
				}
				catch (TimeoutException ex) {
					outputs.forEach(uploads::completedSegments);
					if (cancelled.getAsBoolean()) {
						future.forceStop();
						return Optional.of("The encode was stopped because its worker shut down or lost the job.");
					}
					if (System.nanoTime() - lastAdvance.get() > settings.stallTimeout().toNanos()) {
						future.forceStop();
						return Optional.of("ffmpeg made no progress for " + settings.stallTimeout().toSeconds()
								+ " s and was stopped (is the source readable?).");
					}
				}
			}
		}
		catch (ExecutionException ex) {
			return Optional.of(explain(ex.getCause()));
		}
		catch (InterruptedException ex) {
			future.forceStop();
			Thread.currentThread().interrupt();
			return Optional.of("The encode was interrupted.");
		}
	}

	private static String explain(@Nullable Throwable failure) {
		List<String> lines = MediaTools.errorLines(failure);
		String detail = lines.isEmpty() ? String.valueOf(failure == null ? "unknown" : failure.getMessage())
				: lines.get(lines.size() - 1);
		String all = String.join("\n", lines).toLowerCase();
		boolean permanent = all.contains("invalid data found") || all.contains("moov atom not found")
				|| all.contains("does not contain any stream") || all.contains("whitelist");
		return (permanent ? PERMANENT : "") + "ffmpeg failed: " + detail.strip();
	}

	/**
	 * Checks that every segment of the rendition starts on a keyframe and stores its playlist after its
	 * segments. Whether its boundaries match the asset's other renditions is checked once, when it is published
	 * under the asset's lock, where every rendition of every process is seen.
	 */
	private JobResult finish(AssetId asset, MediaInfo media, TranscodeJob job, Path out, Uploads uploads,
			BooleanSupplier cancelled) {
		String prefix = AssetKeys.renditionPrefix(asset, job.profile());
		try {
			Path playlistFile = out.resolve("index.m3u8");
			if (!Files.exists(playlistFile)) {
				return JobResult.failed(job, "ffmpeg wrote no playlist for " + job.profile() + ".", true);
			}
			HlsPlaylist playlist = HlsPlaylist.parse(Files.readString(playlistFile));
			boolean video = job.kind() == RenditionKind.VIDEO;
			OutputProbe probe = probe(playlistFile, video);
			List<Double> boundaries = playlist.boundaries();
			Optional<String> misaligned = Alignment.check(job.profile(), boundaries, video ? probe.keyframes() : null,
					Map.of(), EncodeCommand.tolerance(media));
			if (misaligned.isPresent()) {
				storage.deletePrefix(prefix);
				return JobResult.failed(job, misaligned.get(), false);
			}
			long total = 0;
			long peak = 0;
			for (int i = 0; i < playlist.segments().size(); i++) {
				HlsPlaylist.Segment segment = playlist.segments().get(i);
				long size = Files.size(out.resolve(segment.uri()));
				total += size;
				boolean shortLast = i == playlist.segments().size() - 1 && segment.duration() < 1.0 && i > 0;
				if (!shortLast && segment.duration() > 0) {
					peak = Math.max(peak, (long) (size * 8 / segment.duration()));
				}
			}
			uploads.completedSegments(out, prefix);
			uploads.awaitAll();
			if (cancelled.getAsBoolean()) {
				return JobResult.failed(job, "The worker lost the job while storing it.", true);
			}
			storage.put(prefix + "index.m3u8", playlistFile, PLAYLIST_TYPE, ObjectStorage.SHORT_LIVED);
			long average = (long) (total * 8 / Math.max(0.001, playlist.duration()));
			String codecs = video
					? EncodeCommand.avc1(probe.profile(), probe.level()) + (probe.hasAudio() ? ",mp4a.40.2" : "")
					: "mp4a.40.2";
			return JobResult.published(job,
					new RenditionSpec(job.profile(), job.kind(), probe.width(), probe.height(), Math.max(peak, average),
							average, codecs, video ? EncodeCommand.frameRate(media.video()) : null,
							prefix + "index.m3u8", playlist.segments().size(), total, boundaries));
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Could not store rendition {} of {}", job.profile(), asset, ex);
			return JobResult.failed(job, "Storing the rendition failed: " + ex.getMessage(), true);
		}
	}

	/**
	 * Runs on an upload virtual thread, so ffprobe is started through Jaffree's own thread (executeAsync), which lives
	 * until ffprobe ends: its parent-death signal (see {@link dev.keyframe.platform.ChildProcesses}) must not fire
	 * when the carrier thread that happened to start it is retired.
	 */
	private OutputProbe probe(Path playlist, boolean video) {
		FFprobeResult result;
		try {
			result = tools.ffprobe()
				.setInput(playlist.toString())
				.setShowEntries(video
						? "packet=stream_index,pts_time,flags:stream=index,codec_type,width,height,profile,level"
						: "stream=index,codec_type")
				.executeAsync()
				.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while probing " + playlist, ex);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			throw ex.getCause() instanceof RuntimeException runtime ? runtime
					: new IllegalStateException(ex.getCause());
		}
		List<Stream> streams = result.getStreams() == null ? List.of() : result.getStreams();
		Stream stream = streams.stream().filter(s -> s.getCodecType() == StreamType.VIDEO).findFirst().orElse(null);
		boolean hasAudio = streams.stream().anyMatch(s -> s.getCodecType() == StreamType.AUDIO);
		List<Double> keyframes = null;
		if (video && stream != null) {
			int index = stream.getIndex();
			List<Packet> packets = result.getPackets() == null ? List.of() : result.getPackets();
			List<Double> raw = packets.stream()
				.filter(p -> p.getStreamIndex() != null && p.getStreamIndex() == index)
				.filter(p -> p.getFlags() != null && p.getFlags().startsWith("K") && p.getPtsTime() != null)
				.map(p -> (double) p.getPtsTime())
				.sorted()
				.toList();
			double origin = raw.isEmpty() ? 0 : raw.get(0);
			keyframes = raw.stream().map(k -> k - origin).toList();
		}
		return new OutputProbe(stream == null || stream.getWidth() == null ? 0 : stream.getWidth(),
				stream == null || stream.getHeight() == null ? 0 : stream.getHeight(),
				stream == null ? null : stream.getProfile(), stream == null ? null : stream.getLevel(), hasAudio,
				keyframes);
	}

	private record OutputProbe(int width, int height, @Nullable String profile, @Nullable Integer level,
			boolean hasAudio, @Nullable List<Double> keyframes) {
	}

	/**
	 * Uploads completed segments in the background, at most 8 at once, each at most once; stops uploading once
	 * the job is cancelled.
	 */
	private final class Uploads implements AutoCloseable {

		final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

		private final Semaphore slots = new Semaphore(8);

		private final Set<Path> started = ConcurrentHashMap.newKeySet();

		private final List<Future<?>> pending = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final BooleanSupplier cancelled;

		Uploads(BooleanSupplier cancelled) {
			this.cancelled = cancelled;
		}

		/**
		 * Starts uploading the segments ffmpeg has finished in {@code dir} (renamed from their .tmp name). Safe to
		 * call from several threads: each file is claimed once.
		 */
		void completedSegments(Path dir, String prefix) {
			if (cancelled.getAsBoolean()) {
				return;
			}
			try (java.util.stream.Stream<Path> files = Files.list(dir)) {
				files.filter(f -> f.getFileName().toString().endsWith(".ts"))
					.sorted()
					.filter(started::add)
					.forEach(file -> pending.add(executor.submit(() -> {
						slots.acquire();
						try {
							if (!cancelled.getAsBoolean()) {
								storage.put(prefix + file.getFileName(), file, "video/mp2t", ObjectStorage.IMMUTABLE);
							}
						}
						finally {
							slots.release();
						}
						return null;
					})));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		void awaitAll() {
			for (Future<?> upload : pending) {
				try {
					upload.get();
				}
				catch (ExecutionException ex) {
					throw new IllegalStateException("a segment upload failed: " + ex.getCause().getMessage(),
							ex.getCause());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("interrupted while uploading", ex);
				}
			}
		}

		@Override
		public void close() {
			executor.shutdownNow();
		}

	}

	private static void deleteRecursively(Path dir) {
		try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		catch (IOException ex) {
			log.warn("Could not remove scratch directory {}: {}", dir, ex.getMessage());
		}
	}

}
