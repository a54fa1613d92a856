package dev.partisan.bench;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Reading CPU time and context switches from {@code /proc}. */
class ProcessCostTest {

	@Test
	void cpuTicksAreUtimePlusStimeCountedFromTheLastParenthesisOfTheCommandName() {
		String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 3 4 20 0 30 0 12345 0 0\n";
		assertThat(ProcessCost.cpuTicks(stat)).isEqualTo(325);
	}

	@Test
	void aLineThatIsNotAStatLineIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessCost.cpuTicks("no command name here"));
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessCost.cpuTicks("1 (java) S 1 2"));
	}

	@Test
	void contextSwitchesAreVoluntaryPlusNonvoluntary() {
		String status = """
				Name:	bench-sender-0
				State:	S (sleeping)
				Threads:	1
				voluntary_ctxt_switches:	1200
				nonvoluntary_ctxt_switches:	34
				""";
		assertThat(ProcessCost.contextSwitches(status)).isEqualTo(1234);
		assertThat(ProcessCost.contextSwitches("Name:\tidle\n")).isZero();
	}

	@Test
	void thisProcessHasSpentCpuAndSwitchedAndAnEndedOneCountsNothing() throws Exception {
		Assumptions.assumeTrue(ProcessCost.available(), "needs /proc");
		ProcessCost self = ProcessCost.of(ProcessHandle.current().pid());
		// Starting a JVM takes far more than one 10 ms clock tick of CPU, on many
		// threads.
		assertThat(self.cpuNanos()).isPositive();
		assertThat(self.contextSwitches()).isPositive();
		Process ended = new ProcessBuilder("true").start();
		assertThat(ended.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(ProcessCost.of(ended.pid())).isEqualTo(new ProcessCost(0, 0));
		assertThat(ProcessCost.of(ProcessHandle.current().pid(), ended.pid()).cpuNanos())
			.isGreaterThanOrEqualTo(self.cpuNanos());
	}

	@Test
	void aDifferenceIsWhatWasSpentBetweenTwoSamples() {
		ProcessCost before = new ProcessCost(1_000, 10);
		ProcessCost after = new ProcessCost(4_500, 17);
		assertThat(after.since(before)).isEqualTo(new ProcessCost(3_500, 7));
		assertThat(before.plus(after)).isEqualTo(new ProcessCost(5_500, 27));
	}

}
