package dev.partisan.demo.kv.load;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The load generator's flags, and a short run of both profiles that prints both
 * summaries.
 */
class LoadGeneratorTests {

	@Test
	void flagsOverrideThePapersDefaultsAndNodeSettingsPassThrough() {
		LoadOptions defaults = LoadOptions.parse();
		assertThat(defaults.profiles()).containsExactly("baseline", "partisan");
		assertThat(defaults.keys()).isEqualTo(10_000);
		assertThat(defaults.duration()).isEqualTo(Duration.ofSeconds(10));

		LoadOptions options = LoadOptions.parse("--profile=partisan", "--workload=echo", "--workers=4", "--duration=3s",
				"--payload=512KiB", "--read-ratio=0.5", "--latency=0ms", "--kv.storage-delay=0ms");
		assertThat(options.profiles()).containsExactly("partisan");
		assertThat(options.workload()).isEqualTo("echo");
		assertThat(options.workers()).isEqualTo(4);
		assertThat(options.duration()).isEqualTo(Duration.ofSeconds(3));
		assertThat(options.payload()).isEqualTo(512 * 1024);
		assertThat(options.readRatio()).isEqualTo(0.5);
		assertThat(options.latency()).isZero();
		assertThat(options.appArgs()).containsExactly("--kv.storage-delay=0ms");

		assertThatThrownBy(() -> LoadOptions.parse("--profile=erlang"))
			.hasMessageContaining("both, baseline or partisan");
		assertThatThrownBy(() -> LoadOptions.parse("--wrokers=3")).hasMessageContaining("Unknown flag --wrokers=3");
	}

	@Test
	void aShortRunOfBothProfilesPrintsAProgressBarAndBothSummaries() throws Exception {
		LoadOptions options = LoadOptions.parse("--profile=both", "--workers=4", "--count=60", "--payload=1KiB",
				"--read-ratio=0.5", "--keys=100");
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		List<RunSummary> summaries = LoadGenerator.run(options, new PrintStream(buffer, true, StandardCharsets.UTF_8));

		assertThat(summaries).extracting(RunSummary::profile).containsExactly("baseline", "partisan");
		assertThat(summaries).allSatisfy((summary) -> {
			assertThat(summary.ops() + summary.errors()).isEqualTo(60);
			assertThat(summary.ops()).isPositive();
			assertThat(summary.p99Millis()).isGreaterThanOrEqualTo(summary.p50Millis()).isPositive();
		});
		// The same code, different wiring: baseline's requests share the default channel,
		// partisan's do not.
		assertThat(summaries.get(0).messagesByChannel()).containsOnlyKeys("default/1");
		assertThat(summaries.get(1).messagesByChannel()).containsKeys("vnode/4", "metadata/4", "gossip/1");
		assertThat(summaries.get(1).messagesByChannel().get("vnode/4")).isPositive();

		String printed = buffer.toString(StandardCharsets.UTF_8);
		assertThat(printed).contains("[##############################] 100%", "Summary:",
				"partisan / baseline throughput");
		assertThat(printed.lines().filter((line) -> line.matches("\\s+(baseline|partisan)\\s+kv .*ops/s.*p50.*p99.*")))
			.hasSize(2);
	}

}
