package dev.partisan.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.partisan.testing.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plain (non-web) application with the starter, run in a JVM of its own: it keeps
 * running while its node serves, and SIGTERM stops it cleanly. The test class path has a
 * web server on it, so the child is told {@code spring.main.web-application-type=none},
 * which is what an application without one gets.
 */
class KeepAliveProcessTests {

	private final List<Process> started = new ArrayList<>();

	@TempDir
	Path logs;

	@AfterEach
	void killLeftovers() {
		for (Process process : this.started) {
			process.destroyForcibly();
		}
	}

	@Test
	void aNonWebApplicationKeepsRunningUntilSigtermThenClosesItsNode() throws Exception {
		Child child = start();
		awaitLine(child, "Partisan node n1 started");
		// main() has returned long before this: only the node holds the JVM.
		assertThat(child.process.waitFor(4, TimeUnit.SECONDS)).as("exited by itself:%n%s", child.output()).isFalse();

		child.process.destroy(); // SIGTERM
		assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM:%n%s", child.output()).isTrue();
		// 143 = 128 + SIGTERM, how a JVM that ran its shutdown hooks reports the signal.
		assertThat(child.process.exitValue()).isIn(0, 143);
		awaitLine(child, "Partisan node n1 closed");
		assertThat(child.output()).doesNotContain(" ERROR ");
	}

	@Test
	void withoutKeepAliveTheSameApplicationExitsByItself() throws Exception {
		// The premise of the test above: nothing but the keep-alive thread holds the JVM.
		Child child = start("--partisan.keep-alive=false");
		awaitLine(child, "Partisan node n1 started");
		assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).as("still running:%n%s", child.output()).isTrue();
		awaitLine(child, "Partisan node n1 closed");
	}

	/** Starts the application with the README's configuration, on free ports. */
	private Child start(String... extra) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx256m");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(KeepAliveApplication.class.getName());
		command.add("--spring.main.web-application-type=none");
		command.add("--partisan.node.name=n1");
		command.add("--partisan.node.host=127.0.0.1");
		command.add("--partisan.node.port=" + FreePorts.next());
		command.add("--partisan.cluster-secret=demo-only-change-me");
		command.add("--partisan.overlay=full-mesh");
		command.add("--partisan.seeds=n2@127.0.0.1:" + FreePorts.next());
		command.add("--partisan.channels.vnode.parallelism=4");
		command.add("--partisan.channels.gossip.compression=true");
		command.addAll(List.of(extra));
		// To a file, not a pipe: Process.destroy() closes the pipes, and the lines the
		// child logs while it shuts down are what the test is after.
		Path log = Files.createTempFile(this.logs, "child", ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		this.started.add(process);
		Child child = new Child(process, log);
		return child;
	}

	private static void awaitLine(Child child, String fragment) {
		try {
			await().atMost(60, TimeUnit.SECONDS)
				.pollInterval(100, TimeUnit.MILLISECONDS)
				.failFast(() -> !child.process.isAlive() && !child.output().contains(fragment))
				.until(() -> child.output().contains(fragment));
		}
		catch (RuntimeException ex) {
			throw new AssertionError("The child never logged '" + fragment + "'; its output:\n" + child.output(), ex);
		}
	}

	private record Child(Process process, Path log) {

		String output() {
			try {
				return Files.readString(this.log, StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
