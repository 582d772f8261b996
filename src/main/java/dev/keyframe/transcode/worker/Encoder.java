package dev.keyframe.transcode.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
import dev.keyframe.platform.KeyframeContract;
import dev.keyframe.platform.MediaInfo;
import dev.keyframe.platform.MediaSettings;
import dev.keyframe.platform.MediaTools;
import dev.keyframe.platform.MediaTypes;
import dev.keyframe.platform.ObjectStorage;
import dev.keyframe.platform.Packaging;
import dev.keyframe.platform.ScratchDirectory;
import dev.keyframe.transcode.TranscodeSettings;
import dev.keyframe.transcode.internal.Alignment;
import dev.keyframe.transcode.internal.EncodeCommand;
import dev.keyframe.transcode.internal.HlsPlaylist;
import dev.keyframe.transcode.internal.JobLifecycle.JobResult;
import dev.keyframe.transcode.internal.LadderPlanner;
import dev.keyframe.transcode.internal.StoredSegments;
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

	private static final String PERMANENT = "[permanent] ";

	/** A last segment shorter than this is folded into the one before. */
	private static final double SLIVER_SECONDS = 0.5;

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

	/** Receives the segments a job has stored so far, while it runs, with what its rendition is. */
	interface Partial {

		void stored(TranscodeJob job, StoredSegments stored, RenditionSpec rendition);

	}

	/**
	 * Encodes one chunk of a group of renditions.
	 * @param progress receives 0..1 as ffmpeg advances
	 * @param cancelled polled while working; true stops ffmpeg and any further upload (the job was lost or the
	 * worker is stopping)
	 */
	List<JobResult> encode(AssetId asset, AssetSource source, List<TranscodeJob> jobs, DoubleConsumer progress,
			BooleanSupplier cancelled, Partial partial) {
		Path dir = null;
		try (Uploads uploads = new Uploads(cancelled)) {
			Files.createDirectories(scratch);
			dir = Files.createTempDirectory(scratch, "job-");
			List<TranscodeJob> ordered = jobs.stream()
				.sorted(Comparator.comparingInt((TranscodeJob j) -> j.plan().shortSide()).reversed())
				.toList();
			Optional<String> failure = runFfmpeg(asset, source, ordered, dir, uploads, progress, cancelled, partial);
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
				ScratchDirectory.deleteRecursively(dir);
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
				ScratchDirectory.deleteRecursively(dir);
			}
		}
	}

	private Optional<String> runFfmpeg(AssetId asset, AssetSource source, List<TranscodeJob> jobs, Path dir,
			Uploads uploads, DoubleConsumer progress, BooleanSupplier cancelled, Partial partial) throws IOException {
		MediaInfo media = source.media();
		List<PlannedJob> plans = jobs.stream().map(TranscodeJob::plan).toList();
		PlannedJob chunk = plans.get(0);
		EncodeCommand.Timing timing = EncodeCommand.timing(media, chunk, settings.segmentSeconds());
		// the groups a viewer may be waiting on run at normal priority, the rest in the background
		boolean urgent = chunk.urgent();
		UrlInput input = UrlInput.fromUrl(storage.presignGet(source.key(), Duration.ofHours(12)))
			.addArguments("-format_whitelist", MediaTools.INPUT_FORMATS)
			.addArguments("-rw_timeout", "30000000");
		if (timing.start() > 0) {
			input.addArguments("-ss", String.format(java.util.Locale.ROOT, "%.6f", timing.start()));
		}
		FFmpeg ffmpeg = (urgent ? tools.ffmpeg() : tools.ffmpegInBackground()).addInput(input).setOverwriteOutput(true);
		String graph = EncodeCommand.filterGraph(media, plans);
		if (graph != null) {
			ffmpeg.setComplexFilter(graph);
		}
		List<Output> outputs = new ArrayList<>();
		int videoIndex = 0;
		for (TranscodeJob job : jobs) {
			PlannedJob plan = job.plan();
			Path out = Files.createDirectories(dir.resolve(plan.profile()));
			outputs.add(new Output(job, out, AssetKeys.renditionPrefix(asset, plan.profile())));
			UrlOutput output = UrlOutput.toPath(out.resolve("index.m3u8"));
			EncodeCommand.outputArguments(media, plan, videoIndex, settings.preset(), settings.segmentSeconds(),
					settings.gopSeconds(), out.resolve(plan.packaging().segmentPattern()).toString())
				.forEach(output::addArgument);
			ffmpeg.addOutput(output);
			if (plan.kind() == RenditionKind.VIDEO) {
				videoIndex++;
			}
		}
		AtomicLong lastAdvance = new AtomicLong(System.nanoTime());
		AtomicLong lastMillis = new AtomicLong(-1);
		long duration = Math.max(1, (chunk.last() ? media.durationMillis() : chunk.endMillis()) - chunk.startMillis());
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
					for (Output output : outputs) {
						// the last chunk's newest segment waits for the end, and so do those near the end: one of
						// them may be a sliver, or the segment that takes one in
						uploads.completedSegments(output.dir(), output.prefix(), output.job().plan(),
								output.job().plan().last(),
								output.job().plan().last() ? sliverTakers(media) : Integer.MAX_VALUE);
						if (urgent) {
							reportStored(media, output, timing, uploads, partial);
						}
					}
					if (cancelled.getAsBoolean()) {
						stop(future);
						return Optional.of("The encode was stopped because its worker shut down or lost the job.");
					}
					if (System.nanoTime() - lastAdvance.get() > settings.stallTimeout().toNanos()) {
						stop(future);
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
			stop(future);
			Thread.currentThread().interrupt();
			return Optional.of("The encode was interrupted.");
		}
	}

	/**
	 * The first segment number of a last chunk that is held until ffmpeg has finished: a segment that may be a
	 * sliver, or the one before it, which takes a sliver in. Segment N starts at N segment lengths; its follower is a
	 * sliver when it starts under {@link #SLIVER_SECONDS} before the end. A second of slack covers a duration
	 * probed a little short and audio packets running past it.
	 */
	private int sliverTakers(MediaInfo media) {
		double end = media.durationMillis() / 1000.0;
		return Math.max(0, (int) Math.ceil((end - SLIVER_SECONDS - 1.0) / settings.segmentSeconds()) - 1);
	}

	/** The number in a segment's file name ({@code seg_00012.ts}), or 0 where it has none. */
	static int segmentNumber(Path file) {
		String name = file.getFileName().toString();
		int digits = name.lastIndexOf('_') + 1;
		int dot = name.lastIndexOf('.');
		try {
			return digits > 0 && dot > digits ? Integer.parseInt(name, digits, dot, 10) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * Stops ffmpeg and waits (a few seconds at most) until it has exited, so its scratch directory is not removed
	 * under a process still writing to it.
	 */
	private static void stop(FFmpegResultFuture future) {
		future.forceStop();
		try {
			future.get(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			// stopped, as asked: how it ended does not matter
		}
	}

	/** One rendition ffmpeg writes, and how many of its segments were last reported stored. */
	private static final class Output {

		private final TranscodeJob job;

		private final Path dir;

		private final String prefix;

		private int reported;

		private @Nullable OutputProbe probe;

		Output(TranscodeJob job, Path dir, String prefix) {
			this.job = job;
			this.dir = dir;
			this.prefix = prefix;
		}

		TranscodeJob job() {
			return job;
		}

		Path dir() {
			return dir;
		}

		String prefix() {
			return prefix;
		}

	}

	/**
	 * While ffmpeg runs: the segments of the output that are stored, in order from its first, go to
	 * {@code partial} when there are more than last time (ffmpeg's own EVENT playlist says their durations).
	 */
	private void reportStored(MediaInfo media, Output output, EncodeCommand.Timing timing, Uploads uploads,
			Partial partial) {
		Path playlistFile = output.dir().resolve("index.m3u8");
		if (!Files.exists(playlistFile)) {
			return;
		}
		try {
			HlsPlaylist playlist = HlsPlaylist.parse(Files.readString(playlistFile));
			List<HlsPlaylist.Segment> stored = new ArrayList<>();
			for (HlsPlaylist.Segment segment : playlist.segments()) {
				if (!uploads.stored(output.dir().resolve(segment.uri())) || !uploads.initStored(output.dir(),
						output.job().plan())) {
					break;
				}
				stored.add(segment);
			}
			if (stored.size() <= output.reported) {
				return;
			}
			output.reported = stored.size();
			long bytes = 0;
			long peak = 0;
			for (HlsPlaylist.Segment segment : stored) {
				long size = Files.size(output.dir().resolve(segment.uri()));
				bytes += size;
				peak = Math.max(peak, (long) (size * 8 / Math.max(0.5, segment.duration())));
			}
			if (output.probe == null) {
				String init = output.job().plan().packaging().init();
				output.probe = probe(Packaging.readable(output.dir().resolve(stored.get(0).uri()).toString(),
						init == null ? null : output.dir().resolve(init).toString()),
						output.job().kind() == RenditionKind.VIDEO, false);
			}
			OutputProbe probe = output.probe;
			partial.stored(output.job(),
					new StoredSegments(timing.firstSegment(), stored.stream().map(HlsPlaylist.Segment::duration).toList(),
							bytes, peak),
					meta(media, output.job(), probe));
		}
		catch (IOException | RuntimeException ex) {
			log.debug("Could not report the stored segments of {}: {}", output.dir(), ex.getMessage());
		}
	}

	/** What a rendition is, for its playlist and the master: the playlist's figures are filled in on publication. */
	private static RenditionSpec meta(MediaInfo media, TranscodeJob job, OutputProbe probe) {
		boolean video = job.kind() == RenditionKind.VIDEO;
		boolean muxed = EncodeCommand.muxesAudio(media, job.plan());
		String codecs = video ? KeyframeContract.avc1(probe.profile(), probe.level()) + (muxed ? ",mp4a.40.2" : "")
				: "mp4a.40.2";
		return new RenditionSpec(job.profile(), job.kind(), probe.width(), probe.height(), 0, 0, codecs,
				video ? KeyframeContract.outputFrameRate(media.video()) : null, "", 0, 0, List.of(), false,
				// a video source's audio renditions are one group, which its video renditions name
				media.hasAudio() && !muxed && media.hasVideo() ? LadderPlanner.AUDIO : null);
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
	 * Checks the chunk of the rendition: every segment starts on a keyframe, where an encode from 0 would start it,
	 * and a non-final chunk has every segment of its interval. Folds a last segment of a sliver (under half a second)
	 * into the one before, and stores the segments not yet stored. Whether its boundaries match the asset's other
	 * renditions is checked when it is published, under the asset's lock, where every rendition of every process is
	 * seen.
	 */
	private JobResult finish(AssetId asset, MediaInfo media, TranscodeJob job, Path out, Uploads uploads,
			BooleanSupplier cancelled) {
		String prefix = AssetKeys.renditionPrefix(asset, job.profile());
		PlannedJob plan = job.plan();
		EncodeCommand.Timing timing = EncodeCommand.timing(media, plan, settings.segmentSeconds());
		String where = plan.last() && plan.startMillis() == 0 ? "" : " in " + plan.describeChunk();
		try {
			Path playlistFile = out.resolve("index.m3u8");
			if (!Files.exists(playlistFile)) {
				return JobResult.failed(job, "ffmpeg wrote no playlist for " + job.profile() + where + ".", true);
			}
			List<HlsPlaylist.Segment> segments = new ArrayList<>(HlsPlaylist.parse(Files.readString(playlistFile)).segments());
			if (plan.last() && segments.size() > 1 && segments.getLast().duration() < SLIVER_SECONDS
					&& !uploads.claimed(out.resolve(segments.get(segments.size() - 2).uri()))) {
				HlsPlaylist.Segment sliver = segments.removeLast();
				HlsPlaylist.Segment before = segments.removeLast();
				// the sliver's packets (MPEG-TS) or fragments (CMAF) follow the segment's, timestamps continuous
				byte[] tail = plan.packaging().continuation(Files.readAllBytes(out.resolve(sliver.uri())));
				Files.write(out.resolve(before.uri()), tail, java.nio.file.StandardOpenOption.APPEND);
				Files.delete(out.resolve(sliver.uri()));
				segments.add(new HlsPlaylist.Segment(before.uri(), before.duration() + sliver.duration()));
			}
			boolean video = job.kind() == RenditionKind.VIDEO;
			OutputProbe probe = probe(playlistFile.toString(), video, video);
			HlsPlaylist playlist = new HlsPlaylist(List.copyOf(segments));
			List<Double> boundaries = playlist.boundaries();
			double tolerance = EncodeCommand.tolerance(media);
			Optional<String> misaligned = Alignment.check(job.profile(), boundaries, video ? probe.keyframes() : null,
					Map.of(), tolerance);
			if (misaligned.isEmpty() && video) {
				misaligned = onTheGrid(media, job.profile(), timing, boundaries, tolerance);
			}
			if (misaligned.isEmpty() && !plan.last()) {
				int expected = (int) ((plan.endMillis() - plan.startMillis()) / (settings.segmentSeconds() * 1000L));
				if (segments.size() != expected) {
					misaligned = Optional.of("Rendition " + job.profile() + where + " has " + segments.size()
							+ " segments instead of " + expected + ".");
				}
			}
			if (misaligned.isPresent()) {
				return JobResult.failed(job, misaligned.get() + where, false);
			}
			long total = 0;
			long peak = 0;
			for (int i = 0; i < segments.size(); i++) {
				HlsPlaylist.Segment segment = segments.get(i);
				long size = Files.size(out.resolve(segment.uri()));
				total += size;
				boolean shortLast = i == segments.size() - 1 && segment.duration() < 1.0 && i > 0;
				if (!shortLast && segment.duration() > 0) {
					peak = Math.max(peak, (long) (size * 8 / segment.duration()));
				}
			}
			uploads.completedSegments(out, prefix, plan, false, Integer.MAX_VALUE);
			uploads.awaitAll();
			if (cancelled.getAsBoolean()) {
				return JobResult.failed(job, "The worker lost the job while storing it.", true);
			}
			return JobResult.published(job, meta(media, job, probe), new StoredSegments(timing.firstSegment(),
					segments.stream().map(HlsPlaylist.Segment::duration).toList(), total, peak));
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Could not store rendition {} of {}", job.profile(), asset, ex);
			return JobResult.failed(job, "Storing the rendition" + where + " failed: " + ex.getMessage(), true);
		}
	}

	/** Each segment of a video chunk starts where segment N of an encode from 0 starts. */
	private Optional<String> onTheGrid(MediaInfo media, String profile, EncodeCommand.Timing timing,
			List<Double> boundaries, double tolerance) {
		for (int i = 0; i < boundaries.size(); i++) {
			int number = timing.firstSegment() + i;
			double expected = EncodeCommand.segmentStart(media, number, settings.segmentSeconds());
			double actual = timing.start() + boundaries.get(i);
			if (Math.abs(expected - actual) > tolerance) {
				return Optional.of(String.format(java.util.Locale.ROOT,
						"Rendition %s: segment %d starts at %.3f s instead of %.3f s.", profile, number, actual, expected));
			}
		}
		return Optional.empty();
	}

	/**
	 * Runs on an upload virtual thread, so ffprobe is started through Jaffree's own thread (executeAsync), which lives
	 * until ffprobe ends: its parent-death signal (see {@link dev.keyframe.platform.ChildProcesses}) must not fire
	 * when the carrier thread that happened to start it is retired.
	 */
	private OutputProbe probe(String playlist, boolean video, boolean withPackets) {
		FFprobeResult result;
		try {
			result = tools.ffprobe()
				.setInput(playlist)
				.setShowEntries((withPackets ? "packet=stream_index,pts_time,flags:" : "")
						+ (video ? "stream=index,codec_type,width,height,profile,level" : "stream=index,codec_type"))
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
		if (withPackets && stream != null) {
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

		private final Set<Path> stored = ConcurrentHashMap.newKeySet();

		private final List<Future<?>> pending = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final BooleanSupplier cancelled;

		Uploads(BooleanSupplier cancelled) {
			this.cancelled = cancelled;
		}

		/**
		 * Starts uploading the segments ffmpeg has finished in {@code dir} (renamed from their .tmp name) and, for a
		 * rendition's first chunk in CMAF, its init segment: every chunk writes the same one, and the first chunk's is
		 * stored. Safe to call from several threads: each file is claimed once.
		 */
		void completedSegments(Path dir, String prefix, PlannedJob plan, boolean holdNewest, int holdFrom) {
			if (cancelled.getAsBoolean()) {
				return;
			}
			Packaging packaging = plan.packaging();
			try (java.util.stream.Stream<Path> files = Files.list(dir)) {
				List<Path> complete = files.filter(f -> packaging.isSegment(f.getFileName().toString())).sorted().toList();
				Path init = initFile(dir, plan);
				// ffmpeg opens the init file at the start and fills it when the first segment ends, before it lists
				// that segment in its playlist
				if (init != null && !complete.isEmpty() && Files.exists(dir.resolve("index.m3u8")) && started.add(init)) {
					String type = packaging.initType(plan.kind() == RenditionKind.VIDEO);
					pending.add(executor.submit(() -> upload(prefix + init.getFileName(), init, type)));
				}
				complete.stream()
					.limit(holdNewest ? Math.max(0, complete.size() - 1) : complete.size())
					.filter(file -> segmentNumber(file) < holdFrom)
					.filter(started::add)
					.forEach(file -> pending
						.add(executor.submit(() -> upload(prefix + file.getFileName(), file, packaging.segmentType()))));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private @Nullable Void upload(String key, Path file, String type) throws InterruptedException {
			slots.acquire();
			try {
				if (!cancelled.getAsBoolean()) {
					storage.put(key, file, type, ObjectStorage.IMMUTABLE);
					stored.add(file);
				}
			}
			finally {
				slots.release();
			}
			return null;
		}

		/** The init segment this job stores, or null: none in its packaging, or another chunk's job stores it. */
		private static @Nullable Path initFile(Path dir, PlannedJob plan) {
			String init = plan.packaging().init();
			return init == null || plan.chunk() != 0 ? null : dir.resolve(init);
		}

		/** Whether the job's segments may be listed: the init segment they need, if the job stores it, is stored. */
		boolean initStored(Path dir, PlannedJob plan) {
			Path init = initFile(dir, plan);
			return init == null || stored.contains(init);
		}

		/** Whether the segment file is in storage. */
		boolean stored(Path file) {
			return stored.contains(file);
		}

		/** Whether the segment file is in storage or on its way there: it may no longer be changed. */
		boolean claimed(Path file) {
			return started.contains(file);
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

}
