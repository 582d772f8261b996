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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import com.github.kokorin.jaffree.ffmpeg.FFmpegResult;
import com.github.kokorin.jaffree.ffmpeg.FFmpegResultFuture;
import com.github.kokorin.jaffree.ffmpeg.UrlInput;
import com.github.kokorin.jaffree.ffmpeg.UrlOutput;
import com.github.kokorin.jaffree.ffprobe.FFprobeResult;
import com.github.kokorin.jaffree.ffprobe.Packet;
import com.github.kokorin.jaffree.ffprobe.Stream;
import com.github.kokorin.jaffree.process.JaffreeAbnormalExitException;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetKeys;
import dev.keyframe.catalog.AssetSource;
import dev.keyframe.catalog.RenditionKind;
import dev.keyframe.catalog.RenditionSpec;
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
 * Makes a group of renditions with one ffmpeg process reading the source over a presigned URL, checks them
 * (playlist, keyframes at every segment boundary, alignment with the asset's other renditions), and stores
 * every object of a rendition before reporting it publishable. Scratch files are removed whatever happens.
 */
@Component
class Encoder {

	private static final Logger log = LoggerFactory.getLogger(Encoder.class);

	private static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";

	private final MediaTools tools;

	private final ObjectStorage storage;

	private final TranscodeSettings settings;

	private final Path scratch;

	Encoder(MediaTools tools, ObjectStorage storage, TranscodeSettings settings, MediaSettings media) {
		this.tools = tools;
		this.storage = storage;
		this.settings = settings;
		this.scratch = media.scratchDir() != null ? media.scratchDir()
				: Path.of(System.getProperty("java.io.tmpdir"), "keyframe-work");
	}

	/**
	 * @param references boundaries of the asset's renditions published earlier, by profile
	 * @param progress receives 0..1 as ffmpeg advances
	 * @param cancelled polled while ffmpeg runs; true stops it
	 */
	List<JobResult> encode(AssetId asset, AssetSource source, List<TranscodeJob> jobs,
			Map<String, RenditionSpec> references, DoubleConsumer progress, BooleanSupplier cancelled) {
		Path dir = null;
		try {
			Files.createDirectories(scratch);
			dir = Files.createTempDirectory(scratch, "job-");
			List<TranscodeJob> ordered = jobs.stream()
				.sorted(Comparator.comparingInt((TranscodeJob j) -> j.plan().shortSide()).reversed())
				.toList();
			String input = storage.presignGet(source.key(), Duration.ofHours(12));
			Optional<String> failure = runFfmpeg(input, source.media(), ordered, dir, progress, cancelled);
			if (failure.isPresent()) {
				boolean retryable = !failure.get().startsWith(PERMANENT);
				String reason = failure.get().replace(PERMANENT, "");
				return ordered.stream().map(j -> JobResult.failed(j, reason, retryable)).toList();
			}
			List<JobResult> results = new ArrayList<>();
			Map<String, RenditionSpec> aligned = new LinkedHashMap<>(references);
			for (TranscodeJob job : ordered) {
				JobResult result = finish(asset, source.media(), job, dir.resolve(job.profile()), aligned);
				if (result.rendition() != null) {
					aligned.put(job.profile(), result.rendition());
				}
				results.add(result);
			}
			return results;
		}
		catch (IOException | UncheckedIOException ex) {
			String reason = "Scratch space problem on the worker: " + ex.getMessage();
			return jobs.stream().map(j -> JobResult.failed(j, reason, true)).toList();
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
			tools.ffmpeg()
				.addInput(UrlInput.fromUrl(storage.presignGet(source.key(), Duration.ofMinutes(30)))
					.setPosition(at, TimeUnit.MILLISECONDS))
				.addOutput(UrlOutput.toPath(poster)
					.setFrameCount(StreamType.VIDEO, 1L)
					.addArguments("-vf", source.media().video().portrait() ? "scale=360:-2" : "scale=-2:360")
					.addArguments("-q:v", "3")
					.addArguments("-update", "1"))
				.setOverwriteOutput(true)
				.execute();
			String key = AssetKeys.poster(asset);
			storage.put(key, poster, "image/jpeg", "public, max-age=86400");
			return Optional.of(key);
		}
		catch (RuntimeException | IOException ex) {
			log.warn("No poster for asset {}: {}", asset, ex.getMessage());
			return Optional.empty();
		}
		finally {
			if (dir != null) {
				deleteRecursively(dir);
			}
		}
	}

	private static final String PERMANENT = "[permanent] ";

	private Optional<String> runFfmpeg(String input, MediaInfo media, List<TranscodeJob> jobs, Path dir,
			DoubleConsumer progress, BooleanSupplier cancelled) throws IOException {
		List<PlannedJob> plans = jobs.stream().map(TranscodeJob::plan).toList();
		FFmpeg ffmpeg = tools.ffmpeg()
			.addInput(UrlInput.fromUrl(input).addArguments("-rw_timeout", "30000000"))
			.setOverwriteOutput(true);
		String graph = EncodeCommand.filterGraph(media, plans);
		if (graph != null) {
			ffmpeg.setComplexFilter(graph);
		}
		int videoIndex = 0;
		for (PlannedJob plan : plans) {
			Path out = Files.createDirectories(dir.resolve(plan.profile()));
			UrlOutput output = UrlOutput.toPath(out.resolve("index.m3u8"));
			List<String> args = EncodeCommand.outputArguments(media, plan, videoIndex, settings.preset(),
					settings.segmentSeconds(), settings.gopSeconds(), out.resolve("seg_%05d.ts").toString());
			for (String arg : args) {
				output.addArgument(arg);
			}
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
					future.get(1, TimeUnit.SECONDS);
					return Optional.empty();
				}
				catch (TimeoutException ex) {
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
		List<String> lines = failure instanceof JaffreeAbnormalExitException abnormal
				? abnormal.getProcessErrorLogMessages().stream().map(m -> m.message).toList() : List.of();
		String detail = lines.isEmpty() ? String.valueOf(failure == null ? "unknown" : failure.getMessage())
				: lines.get(lines.size() - 1);
		String lower = String.join("\n", lines).toLowerCase();
		boolean permanent = lower.contains("invalid data found") || lower.contains("moov atom not found")
				|| lower.contains("does not contain any stream") || lower.contains("invalid argument");
		return (permanent ? PERMANENT : "") + "ffmpeg failed: " + detail.strip();
	}

	private JobResult finish(AssetId asset, MediaInfo media, TranscodeJob job, Path out,
			Map<String, RenditionSpec> others) {
		try {
			Path playlistFile = out.resolve("index.m3u8");
			if (!Files.exists(playlistFile)) {
				return JobResult.failed(job, "ffmpeg wrote no playlist for " + job.profile() + ".", true);
			}
			HlsPlaylist playlist = HlsPlaylist.parse(Files.readString(playlistFile));
			boolean video = job.kind() == RenditionKind.VIDEO;
			OutputProbe probe = probe(playlistFile, video);
			List<Double> boundaries = playlist.boundaries();
			Map<String, List<Double>> sameKind = new LinkedHashMap<>();
			others.values()
				.stream()
				.filter(r -> r.kind() == job.kind() && !r.profile().equals(job.profile()))
				.forEach(r -> sameKind.put(r.profile(), r.boundaries()));
			Optional<String> misaligned = Alignment.check(job.profile(), boundaries, video ? probe.keyframes() : null,
					sameKind, EncodeCommand.tolerance(media));
			if (misaligned.isPresent()) {
				return JobResult.failed(job, misaligned.get(), false);
			}
			String prefix = AssetKeys.renditionPrefix(asset, job.profile());
			long total = 0;
			long peak = 0;
			List<Path> segments = new ArrayList<>();
			for (int i = 0; i < playlist.segments().size(); i++) {
				HlsPlaylist.Segment segment = playlist.segments().get(i);
				Path file = out.resolve(segment.uri());
				long size = Files.size(file);
				total += size;
				boolean shortLast = i == playlist.segments().size() - 1 && segment.duration() < 1.0 && i > 0;
				if (!shortLast && segment.duration() > 0) {
					peak = Math.max(peak, (long) (size * 8 / segment.duration()));
				}
				segments.add(file);
			}
			upload(prefix, segments);
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

	private void upload(String prefix, List<Path> files) {
		try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
			var semaphore = new java.util.concurrent.Semaphore(8);
			List<Future<?>> uploads = files.stream().map(file -> executor.submit(() -> {
				semaphore.acquire();
				try {
					storage.put(prefix + file.getFileName(), file, "video/mp2t", ObjectStorage.IMMUTABLE);
				}
				finally {
					semaphore.release();
				}
				return null;
			})).<Future<?>>map(f -> f).toList();
			for (Future<?> upload : uploads) {
				try {
					upload.get();
				}
				catch (ExecutionException ex) {
					throw new IllegalStateException("a segment upload failed: " + ex.getCause().getMessage(), ex.getCause());
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while uploading", ex);
		}
	}

	private OutputProbe probe(Path playlist, boolean video) {
		FFprobeResult result = tools.ffprobe()
			.setInput(playlist.toString())
			.setShowStreams(true)
			.setShowEntries(video ? "packet=pts_time,flags:stream" : "stream")
			.setSelectStreams(video ? "v:0" : "a:0")
			.execute();
		boolean hasAudio = tools.ffprobe()
			.setInput(playlist.toString())
			.setShowStreams(true)
			.setSelectStreams("a")
			.execute()
			.getStreams()
			.size() > 0;
		Stream stream = result.getStreams().isEmpty() ? null : result.getStreams().get(0);
		List<Double> keyframes = null;
		if (video) {
			List<Packet> packets = result.getPackets() == null ? List.of() : result.getPackets();
			List<Double> raw = packets.stream()
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

	private static void deleteRecursively(Path dir) {
		try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		}
		catch (IOException ex) {
			log.warn("Could not remove scratch directory {}: {}", dir, ex.getMessage());
		}
	}

}
