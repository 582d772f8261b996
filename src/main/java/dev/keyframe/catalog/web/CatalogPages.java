package dev.keyframe.catalog.web;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.keyframe.catalog.AssetAudit;
import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetNotFound;
import dev.keyframe.catalog.AssetStatus;
import dev.keyframe.catalog.AssetView;
import dev.keyframe.catalog.TranscodeWork;
import dev.keyframe.catalog.Visibility;
import dev.keyframe.identity.CurrentUser;
import dev.keyframe.identity.Role;
import dev.keyframe.platform.Problem;

/** The start page, the editors' library and the asset page. */
@Controller
class CatalogPages {

	static final String HOME = "catalog/home";

	static final String LIBRARY = "catalog/library";

	static final String ASSET = "catalog/asset";

	private static final int PAGE_SIZE = 24;

	private final AssetManagement assets;

	private final ObjectProvider<TranscodeWork> work;

	private final CurrentUser current;

	private final ObjectProvider<AssetAudit> audit;

	CatalogPages(AssetManagement assets, ObjectProvider<TranscodeWork> work, CurrentUser current,
			ObjectProvider<AssetAudit> audit) {
		this.assets = assets;
		this.work = work;
		this.current = current;
		this.audit = audit;
	}

	@GetMapping("/")
	String home(@RequestParam(defaultValue = "0") int page, Model model) {
		if (current.get().map(u -> u.role() != Role.VIEWER).orElse(false)) {
			return "redirect:/library";
		}
		model.addAttribute("assets", assets.playable(List.of(Visibility.PUBLIC, Visibility.SIGNED_IN),
				PageRequest.of(Math.max(0, page), PAGE_SIZE)));
		return HOME;
	}

	@GetMapping("/library")
	String library(@RequestParam(required = false) @Nullable AssetStatus status,
			@RequestParam(required = false) @Nullable String q, @RequestParam(defaultValue = "0") int page,
			Model model) {
		Page<AssetView> found = assets.list(status, q, PageRequest.of(Math.max(0, page), PAGE_SIZE), Editors.of(current));
		Map<AssetId, Double> progress = work.getObject()
			.progress(found.getContent().stream().map(a -> AssetId.of(a.id())).toList());
		model.addAttribute("assets", found);
		model.addAttribute("progress", progress.entrySet()
			.stream()
			.collect(java.util.stream.Collectors.toMap(e -> e.getKey().toString(), e -> (int) Math.round(e.getValue() * 100))));
		model.addAttribute("status", status);
		model.addAttribute("q", q == null ? "" : q);
		model.addAttribute("statuses", AssetStatus.values());
		return LIBRARY;
	}

	@GetMapping("/assets/{id}")
	String asset(@PathVariable UUID id, Model model) {
		AssetId asset = new AssetId(id);
		model.addAttribute("asset", assets.find(asset, Editors.of(current)).orElseThrow(() -> new AssetNotFound(asset)));
		model.addAttribute("visibilities", Visibility.values());
		AssetAudit trail = audit.getIfAvailable();
		model.addAttribute("audit", trail == null ? List.of() : trail.trail(asset));
		return ASSET;
	}

	@PostMapping("/assets/{id}")
	String describe(@PathVariable UUID id, @RequestParam String title,
			@RequestParam(required = false) @Nullable String description,
			@RequestParam(defaultValue = "SIGNED_IN") Visibility visibility,
			@RequestParam(required = false) @Nullable String tags, RedirectAttributes redirect) {
		try {
			assets.describe(new AssetId(id), title, description, visibility, tags == null ? null : List.of(tags));
			redirect.addFlashAttribute("notice", "Saved.");
		}
		catch (Problem problem) {
			redirect.addFlashAttribute("problem", problem.getMessage());
		}
		return "redirect:/assets/" + id;
	}

	@PostMapping("/assets/{id}/retry")
	String retry(@PathVariable UUID id, RedirectAttributes redirect) {
		int retried;
		try {
			retried = work.getObject().retryFailed(new AssetId(id));
		}
		catch (Problem problem) {
			redirect.addFlashAttribute("problem", problem.getMessage());
			return "redirect:/assets/" + id;
		}
		redirect.addFlashAttribute("notice", retried == 0 ? "No job had failed."
				: retried + (retried == 1 ? " job is" : " jobs are") + " queued again.");
		return "redirect:/assets/" + id;
	}

	@PostMapping("/assets/{id}/delete")
	String delete(@PathVariable UUID id, @RequestParam(defaultValue = "") String confirm,
			RedirectAttributes redirect) {
		if (!confirm.equals("delete")) {
			redirect.addFlashAttribute("problem", "Type delete to confirm.");
			return "redirect:/assets/" + id;
		}
		AssetView deleted = assets.find(new AssetId(id), Editors.of(current))
			.orElseThrow(() -> new AssetNotFound(new AssetId(id)));
		try {
			assets.delete(new AssetId(id), Editors.of(current));
		}
		catch (Problem problem) {
			redirect.addFlashAttribute("problem", problem.getMessage());
			return "redirect:/assets/" + id;
		}
		redirect.addFlashAttribute("notice", "\u201C" + deleted.title() + "\u201D was deleted with all of its files.");
		return "redirect:/library";
	}

}
