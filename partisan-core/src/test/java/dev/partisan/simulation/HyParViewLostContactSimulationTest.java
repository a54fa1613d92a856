package dev.partisan.simulation;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.simulation.Simulation.SimNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure empties a node's views of the peers it lost, as HyParView does; a node cut
 * off from everyone must still find its way back once the fault is over, by asking the
 * nodes it lost again, with back-off.
 */
class HyParViewLostContactSimulationTest {

	private static final HyParViewOverlay.Settings SETTINGS = new HyParViewOverlay.Settings(3, 6, 4, 2,
			Duration.ofSeconds(1), 2, 2, Duration.ZERO);

	@Test
	void aNodeAlonePastAPartitionRejoinsTheOthersAfterTheHeal() {
		Simulation sim = new Simulation(3, Duration.ofMillis(1), Duration.ofSeconds(1));
		List<SimNode> nodes = List.of(add(sim, 0), add(sim, 1), add(sim, 2), add(sim, 3));
		for (int i = 1; i < nodes.size(); i++) {
			nodes.get(i).join(nodes.get(0));
			sim.runFor(Duration.ofMillis(100));
		}
		sim.runFor(Duration.ofSeconds(5));
		SimNode alone = nodes.get(2);
		assertThat(overlay(alone).activeView()).isNotEmpty();

		sim.partition(Set.of(alone.node().id()),
				Set.of(nodes.get(0).node().id(), nodes.get(1).node().id(), nodes.get(3).node().id()));
		sim.runFor(Duration.ofSeconds(10));
		assertThat(overlay(alone).activeView()).as("cut off from everyone").isEmpty();
		assertThat(overlay(alone).passiveView()).as("failed peers leave the views").isEmpty();

		sim.heal();
		sim.runFor(Duration.ofSeconds(20));

		assertThat(overlay(alone).activeView()).isNotEmpty();
		for (Node peer : overlay(alone).activeView()) {
			assertThat(overlay(sim.node(peer.id())).activeView()).contains(alone.node());
		}
	}

	private static SimNode add(Simulation sim, int index) {
		return sim.add(new Node(NodeId.of(Simulation.name(index)), "sim", 1 + index, null),
				new HyParViewOverlay(SETTINGS));
	}

	private static HyParViewOverlay overlay(SimNode node) {
		return (HyParViewOverlay) node.overlay();
	}

}
