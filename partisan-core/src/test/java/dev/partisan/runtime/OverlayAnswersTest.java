package dev.partisan.runtime;

import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start and stop behaviour that front ends ask the overlay about instead of knowing it by
 * name.
 */
class OverlayAnswersTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void onlyTheStaticOverlaySkipsJoiningItsSeeds() {
		assertThat(this.nodes.start("s", (b) -> b.overlay("static")).joinsSeeds()).isFalse();
		assertThat(this.nodes.start("f", (b) -> b.overlay("full-mesh")).joinsSeeds()).isTrue();
		assertThat(this.nodes.start("p", (b) -> b.overlay("peer-to-peer")).joinsSeeds()).isTrue();
	}

	@Test
	void everyOverlayWhoseLeaveReachesItsMembersLeavesOnShutdownButStatic() {
		assertThat(this.nodes.start("f", (b) -> b.overlay("full-mesh")).leavesOnShutdown()).isTrue();
		assertThat(this.nodes.start("s", (b) -> b.overlay("static")).leavesOnShutdown()).isFalse();
		assertThat(this.nodes.start("p", (b) -> b.overlay("peer-to-peer")).leavesOnShutdown()).isTrue();
		assertThat(this.nodes.start("c", (b) -> b.overlay("client-server").tag("server")).leavesOnShutdown()).isTrue();
	}

}
