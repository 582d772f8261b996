package dev.keyframe.live.web;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.identity.CurrentUser;
import dev.keyframe.live.ChannelView;
import dev.keyframe.live.IssuedKey;
import dev.keyframe.live.LiveChannels;
import dev.keyframe.live.NewChannel;
import dev.keyframe.platform.Problem;

/** The channels page and each channel's page: state, ingest settings, stream key, player, events. */
@Controller
class LivePages {

	private final LiveChannels channels;

	private final AssetManagement assets;

	private final CurrentUser current;

	LivePages(LiveChannels channels, AssetManagement assets, CurrentUser current) {
		this.channels = channels;
		this.assets = assets;
		this.current = current;
	}

	@GetMapping("/live")
	String list(Model model) {
		model.addAttribute("channels", channels.list());
		model.addAttribute("rungs", channels.rungs());
		return "live/channels";
	}

	@PostMapping("/live")
	String create(@RequestParam String title, @RequestParam(required = false) @Nullable List<String> ladder,
			@RequestParam(defaultValue = "") String outputs, @RequestParam(defaultValue = "30") int reconnect,
			@RequestParam(defaultValue = "0") int dvr, @RequestParam(defaultValue = NewChannel.STANDARD) String latency,
			@RequestParam(defaultValue = "1") int pipelines, RedirectAttributes redirect) {
		try {
			IssuedKey issued = channels.create(new NewChannel(title, ladder, lines(outputs), reconnect, dvr, latency, pipelines),
					current.require().username());
			redirect.addFlashAttribute("issued", issued);
			redirect.addFlashAttribute("notice", "The channel is ready. Copy its stream key now: it is shown only once.");
			return "redirect:/live/" + issued.channel().id();
		}
		catch (Problem problem) {
			redirect.addFlashAttribute("problem", problem.getMessage());
			return "redirect:/live";
		}
	}

	@GetMapping("/live/{id}")
	String channel(@PathVariable UUID id, Model model) {
		ChannelView channel = channels.get(id);
		model.addAttribute("channel", channel);
		model.addAttribute("events", channels.events(id));
		model.addAttribute("sessions", channels.sessions(id));
		model.addAttribute("running", channels.running(id).orElse(null));
		model.addAttribute("now", java.time.Instant.now());
		model.addAttribute("rungs", channels.rungs());
		model.addAttribute("asset", channel.session() == null || channel.state().equals("IDLE") ? null
				: assets.summary(new AssetId(channel.session().assetId())).orElse(null));
		return "live/channel";
	}

	@PostMapping("/live/{id}")
	String update(@PathVariable UUID id, @RequestParam String title,
			@RequestParam(required = false) @Nullable List<String> ladder, @RequestParam(defaultValue = "") String outputs,
			@RequestParam(defaultValue = "30") int reconnect, @RequestParam(defaultValue = "0") int dvr,
			@RequestParam(defaultValue = NewChannel.STANDARD) String latency, @RequestParam(defaultValue = "1") int pipelines,
			RedirectAttributes redirect) {
		try {
			channels.update(id, new NewChannel(title, ladder, lines(outputs), reconnect, dvr, latency, pipelines));
			redirect.addFlashAttribute("notice", "Saved. Changes apply from the next session.");
		}
		catch (Problem problem) {
			redirect.addFlashAttribute("problem", problem.getMessage());
		}
		return "redirect:/live/" + id;
	}

	@PostMapping("/live/{id}/key")
	String rotate(@PathVariable UUID id, RedirectAttributes redirect) {
		redirect.addFlashAttribute("issued", channels.rotateKey(id));
		redirect.addFlashAttribute("notice", "A new stream key: copy it now, it is shown only once. The old key no longer works.");
		return "redirect:/live/" + id;
	}

	@PostMapping("/live/{id}/delete")
	String delete(@PathVariable UUID id, RedirectAttributes redirect) {
		try {
			String title = channels.get(id).title();
			channels.delete(id);
			redirect.addFlashAttribute("notice", "\u201C" + title + "\u201D was deleted.");
			return "redirect:/live";
		}
		catch (Problem problem) {
			redirect.addFlashAttribute("problem", problem.getMessage());
			return "redirect:/live/" + id;
		}
	}

	private static List<String> lines(String text) {
		return Arrays.stream(text.split("\\R")).map(String::strip).filter(s -> !s.isEmpty()).toList();
	}

}
