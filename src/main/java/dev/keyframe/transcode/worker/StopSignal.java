package dev.keyframe.transcode.worker;

import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A worker pool's stop flag, and the gate every claim passes: claims hold the read side, {@link #stop()} takes
 * the write side, so once {@code stop()} has returned no claim is under way and none can start. A worker that
 * receives a message after that gives it back instead of taking the job (another instance takes it at once).
 */
final class StopSignal {

	private final ReadWriteLock gate = new ReentrantReadWriteLock();

	private volatile boolean stopped;

	boolean stopped() {
		return stopped;
	}

	void stop() {
		gate.writeLock().lock();
		try {
			stopped = true;
		}
		finally {
			gate.writeLock().unlock();
		}
	}

	/** Runs {@code claim} unless stopping has begun; empty if it has. */
	<T> Optional<T> unlessStopped(Supplier<T> claim) {
		gate.readLock().lock();
		try {
			return stopped ? Optional.empty() : Optional.of(claim.get());
		}
		finally {
			gate.readLock().unlock();
		}
	}

}
