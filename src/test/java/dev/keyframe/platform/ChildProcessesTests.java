package dev.keyframe.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * ffmpeg and other children die with their JVM, kill -9 included: the JVM here is a child of the test, killed
 * outright, and its own child must be gone within seconds.
 */
class ChildProcessesTests {

	@TempDir
	Path work;

	@Test
	void ffmpegStartedThroughItsWrapperDiesWithAKilledJvm() throws Exception {
		StandardEnvironment env = new StandardEnvironment();
		env.getPropertySources()
			.addFirst(new MapPropertySource("test",
					Map.of("keyframe.instance.work-root", work.toString(), "keyframe.instance.id", "wrapper-test")));
		MediaTools tools = new MediaTools(new MediaSettings(null, null, null, Duration.ofSeconds(60)),
				new Instance(env));
		assertThat(tools.ffmpegPath()).startsWith(work);
		long gone = killedParentsChildGoneAfter("wrapper", tools.ffmpegPath().toString());
		System.out.println("ffmpeg gone " + gone + " ms after its JVM was killed");
		assertThat(gone).isLessThan(5_000);
	}

	@Test
	void aChildStartedFromAThreadThatEndedLivesUntilItsJvmIsKilled() throws Exception {
		long gone = killedParentsChildGoneAfter("helper", "");
		System.out.println("child gone " + gone + " ms after its JVM was killed");
		assertThat(gone).isLessThan(5_000);
	}

	/**
	 * Starts a JVM running {@link Parent}, which starts a child and says its pid; checks the child runs, kills the
	 * JVM with SIGKILL and answers how long the child took to go.
	 */
	private static long killedParentsChildGoneAfter(String mode, String argument) throws Exception {
		String java = ProcessHandle.current().info().command().orElseThrow();
		Process parent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Parent.class.getName(),
				mode, argument)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		Optional<ProcessHandle> child = Optional.empty();
		try (BufferedReader out = parent.inputReader()) {
			String line = out.readLine();
			assertThat(line).as("the parent JVM's report").startsWith("child ");
			child = ProcessHandle.of(Long.parseLong(line.substring("child ".length()).strip()));
			assertThat(child).isPresent();
			Thread.sleep(1500); // the starting thread (helper mode) has ended by now
			assertThat(child.get().isAlive()).as("the child runs while its JVM does").isTrue();
			assertThat(parent.isAlive()).isTrue();

			parent.destroyForcibly(); // SIGKILL
			long killed = System.nanoTime();
			parent.waitFor();
			while (child.get().isAlive() && System.nanoTime() - killed < Duration.ofSeconds(10).toNanos()) {
				Thread.sleep(20);
			}
			return Duration.ofNanos(System.nanoTime() - killed).toMillis();
		}
		finally {
			parent.destroyForcibly();
			if (child.isPresent() && child.get().isAlive()) {
				new ProcessBuilder("kill", "-KILL", String.valueOf(child.get().pid())).start().waitFor();
			}
		}
	}

	/** The JVM that is killed: starts its child, prints {@code child <pid>}, and waits. */
	public static final class Parent {

		public static void main(String[] args) throws Exception {
			Process child;
			if (args[0].equals("wrapper")) {
				// as Jaffree does: a plain start from a thread that waits for the tool
				child = new ProcessBuilder(List.of(args[1], "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
						"-i", "testsrc2=size=160x120:rate=10", "-f", "null", "-"))
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
			}
			else {
				Process[] started = new Process[1];
				Thread starter = Thread.ofPlatform().start(() -> {
					try {
						started[0] = ChildProcesses.start(new ProcessBuilder("sleep", "600"));
					}
					catch (IOException ex) {
						throw new java.io.UncheckedIOException(ex);
					}
				});
				starter.join();
				child = started[0];
			}
			System.out.println("child " + child.pid());
			System.out.flush();
			Thread.sleep(Long.MAX_VALUE);
		}

	}

}
