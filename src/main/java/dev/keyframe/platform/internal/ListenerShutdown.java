package dev.keyframe.platform.internal;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.task.TaskExecutionProperties;
import org.springframework.boot.task.SimpleAsyncTaskExecutorCustomizer;
import org.springframework.boot.task.ThreadPoolTaskExecutorCustomizer;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * A stop that leaves unfinished outbox work for the next start instead of failing it. The event listeners that run
 * on the application task executor (every {@code @ApplicationModuleListener}: the outbox's SQS sends, the cleanups
 * after a delete) used to race the stop: Spring closes that executor only while it destroys its beans, in no fixed
 * order with the JPA EntityManagerFactory, so a listener still running, or one handed work by a bean's own shutdown
 * (a transcoder instance ending its stream), failed on a closed EntityManager with an ERROR and a stack trace.
 *
 * <p>Now, as the last step of the lifecycle stop (after the web server, the workers and the schedulers have stopped,
 * before any bean is destroyed), the listeners already running get {@code spring.task.execution.shutdown
 * .await-termination-period} to finish while the database is still there, and a listener handed work after that
 * does not start: its event publication stays incomplete, and the next start resubmits it
 * ({@code spring.modulith.events.republish-outstanding-events-on-restart}, and {@link OutboxResubmission}). Each is
 * one line at INFO, and so is an asynchronous listener that fails while the instance stops (its database or the
 * queue may be gone by then); before the stop such a failure is an ERROR with its stack trace, as Spring logs it.
 */
@Component
class ListenerShutdown implements SmartLifecycle, SimpleAsyncTaskExecutorCustomizer, ThreadPoolTaskExecutorCustomizer {

	private static final Logger log = LoggerFactory.getLogger(ListenerShutdown.class);

	private final Duration grace;

	private final Object lock = new Object();

	private int running;

	private volatile boolean started;

	private volatile boolean stopping;

	private final AtomicBoolean toldRefused = new AtomicBoolean();

	@Autowired
	ListenerShutdown(TaskExecutionProperties properties) {
		this(grace(properties.getShutdown()));
	}

	ListenerShutdown(Duration grace) {
		this.grace = grace;
	}

	private static Duration grace(TaskExecutionProperties.Shutdown shutdown) {
		Duration period = shutdown.getAwaitTerminationPeriod();
		return shutdown.isAwaitTermination() && period != null ? period : Duration.ZERO;
	}

	@Override
	public void customize(SimpleAsyncTaskExecutor executor) {
		executor.setTaskDecorator(this::decorate);
	}

	@Override
	public void customize(ThreadPoolTaskExecutor executor) {
		executor.setTaskDecorator(this::decorate);
	}

	/** The task as the executor runs it: counted while it runs, and not run at all once the stop has begun. */
	Runnable decorate(Runnable task) {
		return () -> {
			synchronized (lock) {
				if (stopping) {
					refused();
					return;
				}
				running++;
			}
			try {
				task.run();
			}
			finally {
				synchronized (lock) {
					running--;
					lock.notifyAll();
				}
			}
		};
	}

	private void refused() {
		if (toldRefused.compareAndSet(false, true)) {
			log.info("The instance is stopping: event listeners handed work now leave it for the next start, which "
					+ "resubmits their incomplete event publications");
		}
		else {
			log.debug("The instance is stopping: an event listener's work is left for the next start");
		}
	}

	void uncaught(Throwable ex, Method method, Object... params) {
		if (stopping) {
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
			log.info("{}.{} did not finish before the stop ({}: {}); an event publication it leaves incomplete is "
					+ "resubmitted at the next start", method.getDeclaringClass().getSimpleName(), method.getName(),
					cause.getClass().getSimpleName(), cause.getMessage());
		}
		else {
			log.error("Unexpected exception occurred invoking async method: " + method, ex);
		}
	}

	/**
	 * Takes listener work (again): a context that was stopped and is started again (Spring's test framework pauses
	 * a cached context this way while another one runs) runs its listeners as before.
	 */
	@Override
	public void start() {
		synchronized (lock) {
			stopping = false;
		}
		toldRefused.set(false);
		started = true;
	}

	/** Refuses new listener work, then waits (up to the grace period) for the listeners that are running. */
	@Override
	public void stop() {
		int left;
		synchronized (lock) {
			stopping = true;
			long deadline = System.nanoTime() + grace.toNanos();
			long wait;
			while (running > 0 && (wait = deadline - System.nanoTime()) > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(lock, wait);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			left = running;
		}
		started = false;
		if (left > 0) {
			log.info("Stopping with {} event listeners still running after {}; what they leave incomplete is "
					+ "resubmitted at the next start", left, grace);
		}
	}

	@Override
	public boolean isRunning() {
		return started;
	}

	/** Stops after every other lifecycle bean (the web server, the workers, the schedulers), while beans all live. */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE + 1000;
	}

	/** Hands a failed asynchronous listener to {@link ListenerShutdown#uncaught} (Boot wraps every AsyncConfigurer). */
	@Component
	static class AsyncFailures implements AsyncConfigurer {

		private final ListenerShutdown shutdown;

		AsyncFailures(ListenerShutdown shutdown) {
			this.shutdown = shutdown;
		}

		@Override
		public AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
			return shutdown::uncaught;
		}

	}

}
