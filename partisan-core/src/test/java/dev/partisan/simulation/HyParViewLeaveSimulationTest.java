package dev.partisan.simulation;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import dev.partisan.api.Node;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.simulation.Simulation.SimNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peer-to-peer leave and removal over minutes of virtual time: 32 nodes with the Erlang
 * original's views and a shuffle every 10 s, so a node that left would be shuffled back
 * many times over if the leave did not stick.
 */
class HyParViewLeaveSimulationTest {

	private static final HyParViewOverlay.Settings SETTINGS = new HyParViewOverlay.Settings(6, 30, 6, 3,
			Duration.ofSeconds(10), 3, 4, Duration.ZERO);

	@Test
	void aNodeThatLeftStaysOutOfEveryViewThirtySecondsAndFifteenMinutesLaterThenJoinsAgain() {
		Simulation sim = new Simulation(11, Duration.ofMillis(1), Duration.ofSeconds(2));
		List<SimNode> nodes = sim.grow(32, () -> new HyParViewOverlay(SETTINGS), new Random(11));
		sim.runFor(Duration.ofSeconds(60));
		SimNode leaver = nodes.get(5);

		overlay(leaver).leave();
		sim.runFor(Duration.ofSeconds(30));
		assertNowhere(sim, leaver);
		sim.runFor(Duration.ofMinutes(15));
		assertNowhere(sim, leaver);
		assertThat(overlay(leaver).members()).containsExactly(leaver.node());

		leaver.join(nodes.get(20));
		sim.runFor(Duration.ofSeconds(60));
		assertThat(sim.report(HyParViewLeaveSimulationTest::activeView).connected()).isTrue();
		assertThat(overlay(leaver).activeView()).isNotEmpty();
	}

	@Test
	void aNodeRemovedByAnotherLeavesEveryViewConsidersItselfOutAndCanJoinAgain() {
		Simulation sim = new Simulation(12, Duration.ofMillis(1), Duration.ofSeconds(2));
		List<SimNode> nodes = sim.grow(32, () -> new HyParViewOverlay(SETTINGS), new Random(12));
		sim.runFor(Duration.ofSeconds(60));
		SimNode removed = nodes.get(9);

		overlay(nodes.get(0)).leave(removed.node().id());
		sim.runFor(Duration.ofSeconds(30));
		assertNowhere(sim, removed);
		assertThat(overlay(removed).members()).containsExactly(removed.node());
		assertThat(overlay(removed).passiveView()).isEmpty();
		sim.runFor(Duration.ofMinutes(5));
		assertNowhere(sim, removed);

		removed.join(nodes.get(3));
		sim.runFor(Duration.ofSeconds(60));
		assertThat(sim.report(HyParViewLeaveSimulationTest::activeView).connected()).isTrue();
	}

	private static void assertNowhere(Simulation sim, SimNode gone) {
		for (SimNode node : sim.live()) {
			if (node != gone) {
				assertThat(overlay(node).activeView()).as("active view of %s", node.node().name())
					.doesNotContain(gone.node());
				assertThat(overlay(node).passiveView()).as("passive view of %s", node.node().name())
					.doesNotContain(gone.node());
			}
		}
		assertThat(overlay(gone).activeView()).isEmpty();
	}

	private static HyParViewOverlay overlay(SimNode node) {
		return (HyParViewOverlay) node.overlay();
	}

	private static List<Node> activeView(SimNode node) {
		return overlay(node).activeView();
	}

}
