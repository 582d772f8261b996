package dev.keyframe.live.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline's share in publishing a session that runs on two (docs/adr/0020). Every round (200 ms) it reads its
 * encoder's new segments ({@link PipelineNumbering}) and the session's row. The pipeline the row names publishes:
 * it numbers its segments from the newest one claimed, claims each before listing it (fenced by the row, so a
 * pipeline that lost the publication while it stalled lists nothing more), and publishes. The other stands by, in
 * step: it makes the same segments and knows their numbers, and when the publisher has claimed nothing for a
 * segment and a second while it has newer segments of its own, it takes the publication over in one statement and
 * continues the published playlists from the next number, with no discontinuity (its segments are on the same grid)
 * and no seam in the dates.
 */
final class PipelinePublication {

	private static final Logger log = LoggerFactory.getLogger(PipelinePublication.class);

	/** What a pipeline asks of its transcoder instance. */
	interface Owner {

		/** The session's row as it is now; null when it is gone. */
		@Nullable LiveSession row(SessionRun run);

		/** Claims a segment for {@code pipeline}; false when it does not publish the session (any more). */
		boolean claim(SessionRun run, PipelineNumbering.Anchor anchor);

		/** Takes the publication over, if the publisher claimed nothing for {@code stalled}. */
		boolean takeOver(SessionRun run, Duration stalled);

		/** The session's playlists as published, by rendition (open ones only). */
		Map<String, String> published(SessionRun run) throws IOException;

		/** A publisher of the numbered playlists, continuing {@code published}. */
		HlsPublisher publisher(SessionRun run, Map<String, String> published) throws IOException;

		void event(SessionRun run, String kind, String detail);

	}

	private final Owner owner;

	private final SessionRun run;

	final Pipeline pipeline;

	private final PipelineNumbering numbering;

	/** How long the publisher may claim nothing before the pipeline standing by takes over: a segment and a second. */
	private final Duration takeover;

	private volatile @Nullable HlsPublisher publisher;

	private volatile @Nullable Long newest;

	/** A segment numbered but not claimed yet (the claim failed): nothing is published before it is claimed. */
	private PipelineNumbering.@Nullable Anchor pending;

	PipelinePublication(Owner owner, SessionRun run, Pipeline pipeline, PipelineNumbering numbering, int segmentSeconds) {
		this.owner = owner;
		this.run = run;
		this.pipeline = pipeline;
		this.numbering = numbering;
		this.takeover = Duration.ofSeconds(segmentSeconds + 1);
	}

	/** The publisher while this pipeline publishes; null while it stands by. */
	@Nullable HlsPublisher publisher() {
		return publisher;
	}

	boolean publishing() {
		return publisher != null;
	}

	/** This pipeline's newest segment by the session's numbering; null while it is not in step. */
	@Nullable Long newest() {
		return newest;
	}

	/** One round: publish, or stand by and take over when the publisher stalled. */
	synchronized void round() {
		try {
			List<PipelineNumbering.Local> locals = numbering.scan();
			LiveSession row = owner.row(run);
			if (row == null || row.state().equals(LiveSession.ENDED)) {
				return;
			}
			HlsPublisher current = publisher;
			if (current != null) {
				if (row.publisher() != pipeline) {
					standBy("pipeline " + pipeline.other() + " took the publication over");
					return;
				}
				PipelineNumbering.Anchor fresh = numbering.advance(locals, row.anchor());
				if (fresh != null) {
					pending = fresh;
				}
				PipelineNumbering.Anchor claim = pending;
				if (claim != null) {
					if (!owner.claim(run, claim)) {
						pending = null;
						LiveSession now = owner.row(run);
						standBy(now != null && now.publisher() != pipeline
								? "pipeline " + pipeline.other() + " took the publication over"
								: "its claim was refused (this transcoder was replaced, or the session ended)");
						return;
					}
					pending = null;
				}
				if (numbering.takeSeam()) {
					current.newRun();
				}
				current.publish();
				PipelineNumbering.Anchor mine = numbering.newest();
				newest = mine == null ? null : mine.segment();
				return;
			}
			PipelineNumbering.Anchor anchor = row.anchor();
			OptionalLong step = numbering.inStep(locals, anchor);
			newest = step.isPresent() ? step.getAsLong() : null;
			if (row.publisher() == pipeline) {
				publish(row, step, null);
				return;
			}
			boolean ahead = !locals.isEmpty()
					&& (anchor == null || step.isEmpty() || step.getAsLong() > anchor.segment());
			if (ahead && owner.takeOver(run, takeover)) {
				publish(row, step, Duration.between(row.publishedAt(), Instant.now()));
			}
		}
		catch (IOException | RuntimeException ex) {
			log.warn("Pipeline {} of live session {}: the round failed (retried next round): {}", pipeline,
					run.sessionId, ex.toString());
		}
	}

	/** This pipeline publishes from now on, continuing what is published. */
	private void publish(LiveSession row, OptionalLong step, @Nullable Duration stalled) throws IOException {
		Map<String, String> published = owner.published(run);
		numbering.seed(published);
		pending = null;
		HlsPublisher started = owner.publisher(run, published);
		started.continuesSeamlessly(); // a seam, if there is one, is the numbering's to write
		publisher = started;
		log.info("Pipeline {} publishes live session {} now", pipeline, run.sessionId);
		if (stalled != null && published.isEmpty()) {
			owner.event(run, "PIPELINE_SWITCHED", "Pipeline " + pipeline + " publishes: it had segments before pipeline "
					+ pipeline.other() + " published any.");
		}
		else if (stalled != null) {
			owner.event(run, "PIPELINE_SWITCHED", "Pipeline " + pipeline + " publishes now: pipeline "
					+ pipeline.other() + " claimed no segment for " + String.format(java.util.Locale.ROOT, "%.1f",
							stalled.toMillis() / 1000.0)
					+ " s. " + (step.isPresent() ? "It continues in step, with no discontinuity."
							: "It was not in step: the playlists continue after a discontinuity."));
		}
		round(); // its first segments at once
	}

	private void standBy(String why) {
		publisher = null;
		log.warn("Pipeline {} of live session {} stands by: {}", pipeline, run.sessionId, why);
		owner.event(run, "PIPELINE_STANDBY", "Pipeline " + pipeline + " stands by: " + why + ".");
	}

}
