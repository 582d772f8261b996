package dev.keyframe.catalog.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetView;
import dev.keyframe.platform.Problem;
import io.swagger.v3.oas.annotations.Operation;

/**
 * Server-sent events for pages that show assets: each time an asset's status, progress or poster changes, an
 * {@code asset} event with its new state. Read from the database every second and a half, so it sees the work
 * of every worker instance, not only this one.
 */
@RestController
class LiveUpdates {

	private static final Duration INTERVAL = Duration.ofMillis(1500);

	private static final Duration LIFETIME = Duration.ofMinutes(15);

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

	private static final int MAX_IDS = 50;

	/** Streams this instance serves at once; each reads the database every tick. */
	private static final int MAX_STREAMS = 200;

	private final java.util.Set<SseEmitter> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

	private final AssetManagement assets;

	private final dev.keyframe.identity.CurrentUser current;

	LiveUpdates(AssetManagement assets, dev.keyframe.identity.CurrentUser current) {
		this.assets = assets;
		this.current = current;
	}

	@GetMapping(path = "/api/assets/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	@Operation(summary = "Server-sent 'asset' events whenever one of the given assets changes")
	SseEmitter live(@RequestParam String ids) {
		List<AssetId> watched = Arrays.stream(ids.split(","))
			.map(String::strip)
			.filter(s -> !s.isEmpty())
			.distinct()
			.limit(MAX_IDS)
			.map(AssetId::of)
			.toList();
		if (open.size() >= MAX_STREAMS) {
			throw new Problem(HttpStatus.TOO_MANY_REQUESTS,
					"Too many live pages are open on this server; the page falls back to reloading.");
		}
		String editor = Editors.of(current); // read here: the stream runs on its own thread
		SseEmitter emitter = new SseEmitter(LIFETIME.toMillis());
		java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
		emitter.onCompletion(() -> closed.set(true));
		emitter.onTimeout(() -> closed.set(true));
		emitter.onError(error -> closed.set(true));
		open.add(emitter);
		Thread.ofVirtual().name("live-updates").start(() -> {
			try {
				stream(watched, editor, emitter, closed);
			}
			finally {
				open.remove(emitter);
			}
		});
		return emitter;
	}

	/** Ends every open stream when the application stops, so a graceful shutdown does not wait for them. */
	@jakarta.annotation.PreDestroy
	void closeAll() {
		open.forEach(SseEmitter::complete);
	}

	private void stream(List<AssetId> watched, @Nullable String editor, SseEmitter emitter,
			java.util.concurrent.atomic.AtomicBoolean closed) {
		Map<AssetId, Map<String, Object>> last = new HashMap<>();
		long until = System.nanoTime() + LIFETIME.minusSeconds(5).toNanos();
		long lastSent = System.nanoTime();
		try {
			while (!closed.get() && System.nanoTime() < until) {
				for (AssetId id : watched) {
					Map<String, Object> state = assets.find(id, editor).map(LiveUpdates::state).orElse(Map.of(
							"id", id.toString(), "status", "DELETED"));
					if (!Objects.equals(last.put(id, state), state)) {
						emitter.send(SseEmitter.event().name("asset").data(state, MediaType.APPLICATION_JSON));
						lastSent = System.nanoTime();
					}
				}
				if (System.nanoTime() - lastSent > KEEP_ALIVE.toNanos()) {
					// a comment line: browsers ignore it, and a closed connection shows up as a failed write
					emitter.send(SseEmitter.event().comment("keep-alive"));
					lastSent = System.nanoTime();
				}
				Thread.sleep(INTERVAL);
			}
			emitter.complete();
		}
		catch (IOException | IllegalStateException ex) {
			// the page went away
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Map<String, Object> state(AssetView asset) {
		Map<String, Object> state = new HashMap<>();
		state.put("id", asset.id());
		state.put("status", asset.status().name());
		state.put("statusReason", asset.statusReason());
		// the mean over the asset's jobs, done ones counting as complete: the view already carries them
		state.put("progress", Math.round(asset.jobs()
			.stream()
			.mapToDouble(j -> j.state().equals("DONE") ? 1 : j.progress())
			.average()
			.orElse(0) * 100));
		state.put("posterUrl", asset.posterUrl());
		state.put("durationMs", asset.durationMs());
		state.put("renditions", asset.renditions().size());
		state.put("jobs", asset.jobs()
			.stream()
			.map(j -> Map.of("profile", j.profile(), "state", j.state(), "progress", Math.round(j.progress() * 100),
					"attempts", j.attempts(), "error", j.error() == null ? "" : j.error()))
			.toList());
		return state;
	}

}
