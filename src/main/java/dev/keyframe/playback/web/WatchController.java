package dev.keyframe.playback.web;

import java.util.UUID;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetNotFound;

@Controller
class WatchController {

	static final String WATCH = "playback/watch";

	private final AssetManagement assets;

	WatchController(AssetManagement assets) {
		this.assets = assets;
	}

	@GetMapping("/watch/{id}")
	String watch(@PathVariable UUID id, Model model) {
		AssetId asset = new AssetId(id);
		model.addAttribute("asset", assets.find(asset).orElseThrow(() -> new AssetNotFound(asset)));
		return WATCH;
	}

}
