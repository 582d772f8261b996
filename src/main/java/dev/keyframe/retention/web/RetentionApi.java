package dev.keyframe.retention.web;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.keyframe.catalog.AssetAudit;
import dev.keyframe.catalog.AssetId;
import dev.keyframe.catalog.AssetRetention;
import dev.keyframe.identity.CurrentUser;
import dev.keyframe.platform.Problem;
import dev.keyframe.retention.Lifecycle;
import dev.keyframe.retention.Plan;
import dev.keyframe.retention.RuleForm;
import dev.keyframe.retention.RuleView;
import dev.keyframe.retention.RunView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping("/api/admin/retention")
@Tag(name = "Retention", description = "Retention rules, legal holds, dry runs and lifecycle runs (admins)")
class RetentionApi {

	private final Lifecycle lifecycle;

	private final AssetRetention assets;

	private final RunStarter starter;

	private final CurrentUser current;

	RetentionApi(Lifecycle lifecycle, AssetRetention assets, RunStarter starter, CurrentUser current) {
		this.lifecycle = lifecycle;
		this.assets = assets;
		this.starter = starter;
		this.current = current;
	}

	@GetMapping("/rules")
	@Operation(summary = "The rules, in the order they decide (lowest priority number first)")
	List<RuleView> rules() {
		return lifecycle.rules();
	}

	@PostMapping("/rules")
	@Operation(summary = "Add a rule")
	ResponseEntity<RuleView> create(@RequestBody RuleForm form) {
		RuleView rule = lifecycle.create(form, current.require().username());
		return ResponseEntity.created(URI.create("/api/admin/retention/rules/" + rule.id())).body(rule);
	}

	@GetMapping("/rules/{id}")
	RuleView rule(@PathVariable UUID id) {
		return lifecycle.rule(id);
	}

	@PutMapping("/rules/{id}")
	@Operation(summary = "Change a rule")
	RuleView update(@PathVariable UUID id, @RequestBody RuleForm form) {
		return lifecycle.update(id, form, current.require().username());
	}

	@DeleteMapping("/rules/{id}")
	ResponseEntity<Void> delete(@PathVariable UUID id) {
		lifecycle.delete(id);
		return ResponseEntity.noContent().build();
	}

	@GetMapping("/plan")
	@Operation(summary = "Dry run: what a lifecycle run would do now under the saved rules")
	Plan plan() {
		return lifecycle.plan();
	}

	@PostMapping("/preview")
	@Operation(summary = "Dry run of a rule before saving it: the plan with the draft added, or in place of rule `replacing`")
	Plan preview(@RequestBody RuleForm draft, @RequestParam(required = false) @Nullable UUID replacing) {
		return lifecycle.preview(draft, replacing);
	}

	@PostMapping("/runs")
	@Operation(summary = "Start a lifecycle run now; 409 while one is under way")
	ResponseEntity<Map<String, String>> run() {
		UUID started = starter.start(current.require().username());
		return ResponseEntity.accepted()
			.location(URI.create("/api/admin/retention/runs/" + started))
			.body(Map.of("run", started.toString()));
	}

	@GetMapping("/runs")
	@Operation(summary = "Past runs, newest first, with their counts")
	List<RunView> runs(@RequestParam(defaultValue = "50") int limit) {
		return lifecycle.history(Math.max(1, Math.min(500, limit)));
	}

	@GetMapping("/runs/{id}")
	@Operation(summary = "A run and every action it took")
	RunDetail run(@PathVariable UUID id) {
		return new RunDetail(lifecycle.runView(id), lifecycle.actionsOf(id));
	}

	@GetMapping("/assets/{id}/history")
	@Operation(summary = "Every action lifecycle runs took on an asset, newest first")
	List<AssetAudit.Line> history(@PathVariable UUID id) {
		return lifecycle.trail(new AssetId(id));
	}

	@PutMapping("/holds/{assetId}")
	@Operation(summary = "Put an asset on legal hold: no rule touches it until it is released")
	ResponseEntity<Void> hold(@PathVariable UUID assetId, @RequestBody Hold hold) {
		assets.hold(new AssetId(assetId), hold.reason(), current.require().username());
		return ResponseEntity.noContent().build();
	}

	@DeleteMapping("/holds/{assetId}")
	@Operation(summary = "Release an asset's legal hold")
	ResponseEntity<Void> release(@PathVariable UUID assetId) {
		assets.release(new AssetId(assetId));
		return ResponseEntity.noContent().build();
	}

	record Hold(String reason) {
	}

	record RunDetail(RunView run, List<Lifecycle.RunLine> actions) {
	}

	static Problem busy() {
		return new Problem(HttpStatus.CONFLICT, "A lifecycle run is under way. Wait for it to finish.");
	}

}
