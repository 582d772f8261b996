package dev.keyframe.playback.web;

import java.util.UUID;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetNotFound;
import dev.keyframe.catalog.AssetView;
import dev.keyframe.playback.internal.Entitlements;

/**
 * The player page. Open to anyone for a public asset; for one that needs an account, anyone not signed in is sent
 * to sign in and brought back; anyone but an editor is told a private asset does not exist.
 */
@Controller
class WatchController {

	static final String WATCH = "playback/watch";

	private final AssetManagement assets;

	private final Entitlements entitlements;

	WatchController(AssetManagement assets, Entitlements entitlements) {
		this.assets = assets;
		this.entitlements = entitlements;
	}

	@GetMapping("/watch/{id}")
	String watch(@PathVariable UUID id, Model model, HttpServletResponse response) {
		AssetId asset = new AssetId(id);
		AssetView found = assets.summary(asset).orElseThrow(() -> new AssetNotFound(asset));
		switch (entitlements.check(found)) {
			// the security chain answers this for an anonymous visitor: remember the page, then the sign-in form
			case SIGN_IN -> throw new AccessDeniedException("Sign in to watch this video.");
			case HIDDEN -> throw new AssetNotFound(asset);
			case WATCH -> model.addAttribute("asset", found);
		}
		if (found.status() == dev.keyframe.catalog.AssetStatus.REMOVED) {
			response.setStatus(HttpServletResponse.SC_GONE);
		}
		// a public video's visitor may have an account: offer to sign in
		model.addAttribute("signInLink", true);
		return WATCH;
	}

}
