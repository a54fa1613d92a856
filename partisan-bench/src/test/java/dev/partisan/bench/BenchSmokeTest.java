package dev.partisan.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The smallest plan, on loopback, through the real harness (separate node JVMs), so the
 * benchmark cannot rot. No timing is asserted: only that every case completed and the
 * report has its tables. The timed families run with windows of a fraction of a second.
 */
class BenchSmokeTest {

	@Test
	void theSmokePlanRunsEveryCaseAndWritesTheReport(@TempDir Path out) throws Exception {
		Path report = BenchMain.run("smoke", "loopback", Path.of("").toAbsolutePath(), out,
				System.getProperty("java.class.path"));
		String text = Files.readString(report);
		assertThat(text).contains("## Network: loopback")
			.contains("| micro | baseline | 1 | 2 | 64KiB |")
			.contains("| micro | affinity | 4 | 2 | 64KiB |")
			.contains("| micro | raw-shared | 1 | 2 | 64KiB |")
			.contains("| micro | pekko | 4 | 2 | 64KiB |")
			.contains("| isolation | own-channel |")
			.contains("| kv | baseline | 1 | 2 | 64KiB |")
			.contains("| echo | partisan | 4 | 2 | 64KiB |")
			.contains("## Acknowledgement cost (loopback)")
			.contains("| 1 | plain |")
			.contains("| 2 | acked |")
			.contains("Acked / plain, medians:")
			.contains("## Crash: a receiver killed with a backlog (loopback)")
			.contains("Every message acknowledged before the kill was handled")
			// the timed families, interleaved, with CPU and context switches per message
			.contains("### reqack: request/acknowledgement (loopback)")
			.contains("| 1 | 2 | 64KiB | baseline |")
			.contains("| 1 | 2 | 64KiB | raw-shared |")
			.contains("| 16 | 4 | 1KiB | affinity |")
			.contains("| 16 | 4 | 1KiB | raw-per-sender |")
			.contains("### oneway: pipelined one-way messages (loopback)")
			.contains("| 100B | 1 | partisan |")
			.contains("| 100B | 1 | raw |")
			.contains("| 100B | 1 | pekko |")
			.contains("| 1KiB | 4 | pekko |")
			.contains("### pingpong: round-trip latency of 100 B (loopback)")
			.contains("| partisan-forward |")
			.contains("| partisan-call |")
			.contains("**Target vs reached** — one-way 100 B")
			.contains("**Target vs reached** — ping-pong 100 B")
			.doesNotContain("case(s) failed")
			.doesNotContain("failed:")
			.doesNotContain("Incomplete")
			.doesNotContain("Violated");
	}

	/**
	 * The many-process scenario at its smallest: eight node JVMs, one killed. Its checks
	 * (convergence, each broadcast once on every live node, repair) are the scenario's
	 * own; the report says which did not hold.
	 */
	@Test
	void eightNodeProcessesConvergeDeliverABroadcastOnceEachAndRepairAfterAKill(@TempDir Path out) throws Exception {
		Path report = BenchMain.run("smoke", "loopback", Set.of("processes"), 8, Path.of("").toAbsolutePath(), out,
				System.getProperty("java.class.path"));
		assertThat(Files.readString(report))
			.contains("## Processes: a peer-to-peer cluster of real node processes (loopback)")
			.contains("| 8 | ")
			.contains("Membership converged")
			.doesNotContain("Violated");
	}

}
