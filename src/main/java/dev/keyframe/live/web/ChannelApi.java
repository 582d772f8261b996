package dev.keyframe.live.web;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.keyframe.identity.CurrentUser;
import dev.keyframe.live.ChannelView;
import dev.keyframe.live.EventView;
import dev.keyframe.live.IssuedKey;
import dev.keyframe.live.LiveChannels;
import dev.keyframe.live.NewChannel;
import dev.keyframe.live.SessionView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping("/api/live/channels")
@Tag(name = "Live", description = "Live channels, stream keys, sessions and their events")
class ChannelApi {

	private final LiveChannels channels;

	private final CurrentUser current;

	ChannelApi(LiveChannels channels, CurrentUser current) {
		this.channels = channels;
		this.current = current;
	}

	@GetMapping
	@Operation(summary = "Channels, newest first, each with its state and current or last session")
	List<ChannelView> list() {
		return channels.list();
	}

	@PostMapping
	@Operation(summary = "Create a channel; the answer carries its stream key, shown this once")
	ResponseEntity<IssuedKey> create(@RequestBody NewChannel channel) {
		IssuedKey issued = channels.create(channel, current.require().username());
		return ResponseEntity.created(URI.create("/api/live/channels/" + issued.channel().id())).body(issued);
	}

	@GetMapping("/{id}")
	ChannelView get(@PathVariable UUID id) {
		return channels.get(id);
	}

	@PutMapping("/{id}")
	@Operation(summary = "Change a channel's title, ladder, RTMP outputs and windows (from the next session on)")
	ChannelView update(@PathVariable UUID id, @RequestBody NewChannel channel) {
		return channels.update(id, channel);
	}

	@PostMapping("/{id}/key")
	@Operation(summary = "Replace the stream key; the old one stops working at once")
	IssuedKey rotate(@PathVariable UUID id) {
		return channels.rotateKey(id);
	}

	@GetMapping("/{id}/events")
	@Operation(summary = "What happened to the channel, newest first")
	List<EventView> events(@PathVariable UUID id) {
		return channels.events(id);
	}

	@GetMapping("/{id}/pipelines")
	@Operation(summary = "The live session's pipelines (one, or A and B): which publishes, which stands by in step, "
			+ "each one's newest segment and heartbeat")
	List<dev.keyframe.live.internal.SessionMonitor.RunInfo.PipelineInfo> pipelines(@PathVariable UUID id) {
		channels.get(id); // 404 for a channel that is not there
		return channels.running(id).map(dev.keyframe.live.internal.SessionMonitor.RunInfo::pipelines).orElse(List.of());
	}

	@GetMapping("/{id}/sessions")
	List<SessionView> sessions(@PathVariable UUID id) {
		return channels.sessions(id);
	}

	@DeleteMapping("/{id}")
	ResponseEntity<Void> delete(@PathVariable UUID id) {
		channels.delete(id);
		return ResponseEntity.noContent().build();
	}

}
