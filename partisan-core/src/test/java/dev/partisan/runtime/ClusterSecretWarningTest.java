package dev.partisan.runtime;

import dev.partisan.testing.LogCapture;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A node without a cluster secret says so when it starts, naming the setting. */
class ClusterSecretWarningTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aNodeWithoutASecretWarnsAtStartNamingTheSettingAndWhatIsOpen() {
		try (LogCapture log = new LogCapture(Running.class)) {
			this.nodes.start("open-node");

			assertThat(log.messages()).filteredOn((line) -> line.contains("no cluster secret"))
				.singleElement()
				.asString()
				.contains("open-node", "partisan.cluster-secret", "join the cluster", "send messages to its handlers",
						"make nodes leave");
		}
	}

	@Test
	void aNodeWithASecretDoesNotWarn() {
		try (LogCapture log = new LogCapture(Running.class)) {
			this.nodes.start("closed-node", (b) -> b.clusterSecret("s3cret-for-the-test"));

			assertThat(log.messages()).noneMatch((line) -> line.contains("cluster secret"));
		}
	}

}
