package dev.partisan.example;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's demo cluster runs and its nodes exchange pings. */
class LocalClusterDemoTest {

	@Test
	void theDemoClusterFormsAndPingsFlow() throws InterruptedException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		Map<String, Long> pings = LocalClusterDemo.run(3, 0, Duration.ofSeconds(2),
				new PrintStream(buffer, true, StandardCharsets.UTF_8));
		assertThat(pings).containsOnlyKeys("n1", "n2", "n3");
		assertThat(pings.values()).allMatch((count) -> count > 0);
		assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("Cluster of 3 nodes up")
			.contains("members=[n1, n2, n3]");
	}

}
