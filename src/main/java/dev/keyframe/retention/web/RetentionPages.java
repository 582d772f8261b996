package dev.keyframe.retention.web;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetManagement;
import dev.keyframe.catalog.AssetRetention;
import dev.keyframe.identity.CurrentUser;
import dev.keyframe.platform.Problem;
import dev.keyframe.retention.Lifecycle;
import dev.keyframe.retention.Plan;
import dev.keyframe.retention.RuleAction;
import dev.keyframe.retention.RuleForm;
import dev.keyframe.retention.RuleScope;
import dev.keyframe.retention.RuleView;
import dev.keyframe.retention.StorageClasses;
import jakarta.servlet.http.HttpServletResponse;

/** The admins' retention page (rules, dry run, history), a run's page, and legal holds from the asset page. */
@Controller
class RetentionPages {

	static final String RETENTION = "retention/retention";

	static final String RUN = "retention/run";

	/** How many steps of one rule the dry run lists. */
	static final int STEPS_SHOWN = 50;

	/** How many assets' titles a run's page looks up. */
	static final int TITLES = 200;

	private final Lifecycle lifecycle;

	private final AssetRetention assets;

	private final AssetManagement catalog;

	private final RunStarter starter;

	private final CurrentUser current;

	RetentionPages(Lifecycle lifecycle, AssetRetention assets, AssetManagement catalog, RunStarter starter,
			CurrentUser current) {
		this.lifecycle = lifecycle;
		this.assets = assets;
		this.catalog = catalog;
		this.starter = starter;
		this.current = current;
	}

	@GetMapping("/admin/retention")
	String retention(@RequestParam(required = false) @Nullable UUID edit, Model model) {
		if (edit == null) {
			return page(model, Draft.blank(), null, null, null);
		}
		try {
			return page(model, Draft.of(lifecycle.rule(edit)), edit, null, null);
		}
		catch (Problem problem) {
			model.addAttribute("problem", problem.getMessage());
			return page(model, Draft.blank(), null, null, null);
		}
	}

	@PostMapping("/admin/retention/preview")
	String preview(@ModelAttribute("draft") Draft draft, @RequestParam(required = false) @Nullable UUID id,
			Model model, HttpServletResponse response) {
		try {
			return page(model, draft, id, lifecycle.preview(draft.form(), id), null);
		}
		catch (Problem problem) {
			response.setStatus(problem.status().value());
			return page(model, draft, id, null, problem.getMessage());
		}
	}

	@PostMapping("/admin/retention/rules")
	String create(@ModelAttribute("draft") Draft draft, Model model, HttpServletResponse response,
			RedirectAttributes redirect) {
		try {
			RuleView rule = lifecycle.create(draft.form(), current.require().username());
			redirect.addFlashAttribute("notice", "The rule \u201C" + rule.name() + "\u201D was added.");
			return "redirect:/admin/retention";
		}
		catch (Problem problem) {
			response.setStatus(problem.status().value());
			return page(model, draft, null, null, problem.getMessage());
		}
	}

	@PostMapping("/admin/retention/rules/{id}")
	String update(@PathVariable UUID id, @ModelAttribute("draft") Draft draft, Model model,
			HttpServletResponse response, RedirectAttributes redirect) {
		try {
			RuleView rule = lifecycle.update(id, draft.form(), current.require().username());
			redirect.addFlashAttribute("notice", "The rule \u201C" + rule.name() + "\u201D was saved.");
			return "redirect:/admin/retention";
		}
		catch (Problem problem) {
			response.setStatus(problem.status().value());
			return page(model, draft, id, null, problem.getMessage());
		}
	}

	@PostMapping("/admin/retention/rules/{id}/delete")
	String delete(@PathVariable UUID id, RedirectAttributes redirect) {
		try {
			RuleView rule = lifecycle.rule(id);
			lifecycle.delete(id);
			redirect.addFlashAttribute("notice", "The rule \u201C" + rule.name() + "\u201D was deleted.");
		}
		catch (Problem problem) {
			redirect.addFlashAttribute("problem", problem.getMessage());
		}
		return "redirect:/admin/retention";
	}

	@PostMapping("/admin/retention/runs")
	String run(RedirectAttributes redirect) {
		try {
			UUID run = starter.start(current.require().username());
			redirect.addFlashAttribute("notice", "The lifecycle run started.");
			return "redirect:/admin/retention/runs/" + run;
		}
		catch (Problem problem) {
			redirect.addFlashAttribute("problem", problem.getMessage());
		}
		catch (IllegalStateException ex) {
			redirect.addFlashAttribute("problem", ex.getMessage());
		}
		return "redirect:/admin/retention";
	}

	@GetMapping("/admin/retention/runs/{id}")
	String run(@PathVariable UUID id, Model model) {
		List<Lifecycle.RunLine> actions = lifecycle.actionsOf(id);
		model.addAttribute("run", lifecycle.runView(id));
		model.addAttribute("actions", actions);
		model.addAttribute("titles", titles(actions));
		return RUN;
	}

	@PostMapping("/admin/retention/holds/{assetId}")
	String hold(@PathVariable UUID assetId, @RequestParam(defaultValue = "") String reason,
			RedirectAttributes redirect) {
		try {
			assets.hold(new AssetId(assetId), reason, current.require().username());
			redirect.addFlashAttribute("notice", "The asset is on legal hold: no retention rule touches it.");
		}
		catch (Problem problem) {
			redirect.addFlashAttribute("problem", problem.getMessage());
		}
		return "redirect:/assets/" + assetId;
	}

	@PostMapping("/admin/retention/holds/{assetId}/release")
	String release(@PathVariable UUID assetId, RedirectAttributes redirect) {
		try {
			assets.release(new AssetId(assetId));
			redirect.addFlashAttribute("notice", "The legal hold was released: retention rules apply again.");
		}
		catch (Problem problem) {
			redirect.addFlashAttribute("problem", problem.getMessage());
		}
		return "redirect:/assets/" + assetId;
	}

	/** The titles of the first {@value #TITLES} assets the lines are about (an audit line names no title). */
	private Map<UUID, String> titles(List<Lifecycle.RunLine> lines) {
		Map<UUID, String> titles = new HashMap<>();
		lines.stream()
			.map(Lifecycle.RunLine::asset)
			.filter(Objects::nonNull)
			.distinct()
			.limit(TITLES)
			.forEach(asset -> catalog.summary(new AssetId(asset)).ifPresent(a -> titles.put(asset, a.title())));
		return titles;
	}

	private String page(Model model, Draft draft, @Nullable UUID editing, @Nullable Plan preview,
			@Nullable String formProblem) {
		model.addAttribute("rules", lifecycle.rules());
		model.addAttribute("draft", draft);
		model.addAttribute("editing", editing);
		model.addAttribute("preview", preview);
		model.addAttribute("formProblem", formProblem);
		model.addAttribute("plan", lifecycle.plan());
		model.addAttribute("history", lifecycle.history(20));
		model.addAttribute("actions", RuleAction.values());
		model.addAttribute("scopes", RuleScope.values());
		model.addAttribute("storageClasses", StorageClasses.TARGETS);
		model.addAttribute("shown", STEPS_SHOWN);
		return RETENTION;
	}

	/**
	 * The rule form as typed, kept as text so that whatever the admin typed comes back with the problem.
	 *
	 * @param enabled present (any value) when the box is ticked
	 */
	record Draft(@Nullable String name, @Nullable String action, @Nullable String scope, @Nullable String tag,
			@Nullable String after, @Nullable String storageClass, @Nullable String maxHeight,
			@Nullable String priority, @Nullable String enabled) {

		static Draft blank() {
			return new Draft("", RuleAction.DELETE_SOURCE.name(), RuleScope.ALL.name(), "", "30",
					StorageClasses.TARGETS.getFirst(), "720", "100", "true");
		}

		static Draft of(RuleView rule) {
			return new Draft(rule.name(), rule.action().name(), rule.scope().name(), rule.tag(),
					String.valueOf(rule.after()),
					rule.storageClass() == null ? StorageClasses.TARGETS.getFirst() : rule.storageClass(),
					rule.maxHeight() == null ? "720" : String.valueOf(rule.maxHeight()),
					String.valueOf(rule.priority()), rule.enabled() ? "true" : null);
		}

		public boolean isEnabled() {
			return enabled != null;
		}

		@Nullable RuleAction chosenAction() {
			return Arrays.stream(RuleAction.values()).filter(a -> a.name().equals(action)).findFirst().orElse(null);
		}

		/** Hours for an abort rule, days for every other. */
		public String unit() {
			RuleAction chosen = chosenAction();
			return chosen != null && chosen.countsHours() ? "hours" : "days";
		}

		/** What the number counts from, for the chosen action. */
		public String when() {
			RuleAction chosen = chosenAction();
			return chosen == null ? "" : chosen.when();
		}

		/** As a {@link RuleForm}; {@link RuleForm#validated()} checks the rest. */
		RuleForm form() {
			RuleScope chosenScope = Arrays.stream(RuleScope.values())
				.filter(s -> s.name().equals(scope))
				.findFirst()
				.orElse(null);
			RuleAction chosen = chosenAction();
			int days = number(after, "Say after how many " + unit() + " the rule acts (a whole number).");
			Integer height = chosen == RuleAction.DROP_RENDITIONS
					? number(maxHeight, "Say the tallest rendition to keep, in pixels (for example 720).") : null;
			int rank = priority == null || priority.isBlank() ? 100
					: number(priority, "Priority is a whole number: 1 (decides first) to 1000.");
			return new RuleForm(name == null ? "" : name, chosen, chosenScope, blankToNull(tag), days,
					blankToNull(storageClass), height, rank, isEnabled());
		}

		private static int number(@Nullable String text, String problem) {
			try {
				return Integer.parseInt(text == null ? "" : text.strip());
			}
			catch (NumberFormatException ex) {
				throw new Problem(HttpStatus.BAD_REQUEST, problem);
			}
		}

		private static @Nullable String blankToNull(@Nullable String text) {
			return text == null || text.isBlank() ? null : text;
		}

	}

}
