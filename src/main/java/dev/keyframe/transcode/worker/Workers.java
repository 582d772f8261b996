package dev.keyframe.transcode.worker;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.keyframe.platform.ConditionalOnRole;
import dev.keyframe.platform.JobQueue;
import dev.keyframe.platform.Role;
import dev.keyframe.transcode.TranscodeSettings;

/**
 * The worker role: {@code keyframe.transcode.workers} threads, each long-polling the job queue for one message
 * at a time. More throughput is more workers, here or in other processes on the same queue.
 */
@Component
@ConditionalOnRole(Role.WORKER)
public class Workers implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Workers.class);

	private final JobQueue queue;

	private final JobRunner runner;

	private final TranscodeSettings settings;

	private final List<Thread> threads = new ArrayList<>();

	private volatile StopSignal stopping = new StopSignal();

	Workers(JobQueue queue, JobRunner runner, TranscodeSettings settings) {
		this.queue = queue;
		this.runner = runner;
		this.settings = settings;
	}

	@Override
	public synchronized void start() {
		if (isRunning()) {
			return;
		}
		StopSignal stop = new StopSignal();
		this.stopping = stop;
		String host = hostName();
		for (int i = 0; i < settings.workers(); i++) {
			String owner = host + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/worker-" + i + "/"
					+ Long.toHexString(System.nanoTime());
			Thread thread = Thread.ofPlatform().name("transcode-worker-" + i).start(() -> loop(owner, stop));
			threads.add(thread);
		}
		if (settings.workers() > 0) {
			log.info("Started {} transcode workers", settings.workers());
		}
	}

	private void loop(String owner, StopSignal stop) {
		while (!stop.stopped()) {
			try {
				for (JobQueue.Received message : queue.receive(1, settings.pollWait(), settings.visibilityTimeout())) {
					runner.handle(message, owner, stop);
				}
			}
			catch (RuntimeException ex) {
				if (stop.stopped()) {
					return;
				}
				log.warn("Worker {} hit an error and backs off: {}", owner, ex.toString());
				sleep(2000);
			}
		}
	}

	@Override
	public synchronized void stop() {
		stopping.stop();
		for (Thread thread : threads) {
			try {
				thread.join(settings.pollWait().toMillis() + 30_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		threads.clear();
	}

	@Override
	public synchronized boolean isRunning() {
		return !threads.isEmpty();
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1024;
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "unknown-host";
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
