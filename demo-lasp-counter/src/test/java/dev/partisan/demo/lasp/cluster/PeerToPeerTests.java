package dev.partisan.demo.lasp.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The scenarios on HyParView: every node pushes to its active view, and state crosses the
 * cluster hop by hop. Nothing but the overlay profile differs from
 * {@link ClientServerTests}.
 */
class PeerToPeerTests extends AdCounterScenarios {

	@Override
	String overlay() {
		return "peer-to-peer";
	}

	@Test
	void theOverlayIsHyParView() {
		assertThat(this.cluster.get("c1", "/actuator/health").body()).contains("peer-to-peer");
	}

}
