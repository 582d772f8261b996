package dev.keyframe.retention.internal;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.keyframe.retention.RunView;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "lifecycle_run")
public class LifecycleRun {

	public static final String RUNNING = "RUNNING";

	@Id
	private UUID id;

	private String trigger;

	private @Nullable String startedBy;

	private String state;

	private Instant startedAt;

	private @Nullable Instant finishedAt;

	private int planned;

	private int assets;

	private int objects;

	private long bytes;

	private int errors;

	private @Nullable String error;

	protected LifecycleRun() {
		// JPA
	}

	public LifecycleRun(String trigger, @Nullable String startedBy, Instant now) {
		this.id = UUID.randomUUID();
		this.trigger = trigger;
		this.startedBy = startedBy;
		this.state = RUNNING;
		this.startedAt = now;
	}

	public void planned(int steps) {
		this.planned = steps;
	}

	public void progressed(int assets, int objects, long bytes, int errors) {
		this.assets = assets;
		this.objects = objects;
		this.bytes = bytes;
		this.errors = errors;
	}

	public void ended(String state, @Nullable String error, Instant now) {
		this.state = state;
		this.error = error;
		this.finishedAt = now;
	}

	public UUID id() {
		return id;
	}

	public Instant startedAt() {
		return startedAt;
	}

	public String state() {
		return state;
	}

	public RunView view() {
		return new RunView(id, trigger, startedBy, state, startedAt, finishedAt, planned, assets, objects, bytes, errors,
				error);
	}

}
