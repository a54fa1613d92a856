package dev.partisan.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.FullMeshOverlay;
import dev.partisan.simulation.Simulation.SimNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The full-mesh overlay's leave against everything still in flight from the join it
 * follows: on the simulator (jittered latency, so messages overtake each other), a node
 * joins a three-node cluster, the cluster converges, and 0–5 ms later the node leaves (or
 * a member removes it); the leave must hold for good, and the next round's explicit
 * rejoin must be taken back. The round and seed are in every failure message.
 */
class FullMeshLeaveSimulationTest {

	private static final Duration GOSSIP = Duration.ofMillis(20);

	private static final int ROUNDS = 200;

	@Test
	void aLeaveIssuedZeroToFiveMillisecondsAfterAJoinConvergedSticksInTwoHundredRounds() {
		for (long seed : new long[] { 1, 2, 3 }) {
			run(seed);
		}
	}

	private void run(long seed) {
		Simulation sim = new Simulation(seed, Duration.ofMillis(1), Duration.ofSeconds(1));
		Random random = new Random(seed);
		List<SimNode> cluster = new ArrayList<>();
		for (String name : List.of("a", "b", "c")) {
			cluster.add(sim.add(name, new FullMeshOverlay(GOSSIP)));
		}
		cluster.get(1).join(cluster.get(0));
		cluster.get(2).join(cluster.get(0));
		sim.runFor(Duration.ofMillis(200));
		SimNode leaver = sim.add("l", new FullMeshOverlay(GOSSIP));
		NodeId l = leaver.node().id();
		for (int round = 0; round < ROUNDS; round++) {
			String where = "seed " + seed + ", round " + round;
			leaver.join(cluster.get(random.nextInt(cluster.size())));
			for (int step = 0; step < 200 && !converged(cluster, leaver); step++) {
				sim.runFor(Duration.ofMillis(1));
			}
			assertThat(converged(cluster, leaver)).as("the join converged (%s)", where).isTrue();
			sim.runFor(Duration.ofMillis(random.nextInt(6)));
			boolean removedByAnother = random.nextBoolean();
			if (removedByAnother) {
				cluster.get(random.nextInt(cluster.size())).overlay().leave(l);
			}
			else {
				leaver.overlay().leave();
			}
			// Ten gossip intervals: whatever was in flight has landed, and been answered.
			for (int step = 0; step < 10; step++) {
				sim.runFor(GOSSIP);
			}
			for (SimNode member : cluster) {
				assertThat(ids(member))
					.as("%s after l %s (%s)", member.node().name(), removedByAnother ? "was removed" : "left", where)
					.doesNotContain(l)
					.hasSize(3);
			}
			assertThat(ids(leaver)).as("l is on its own (%s)", where).containsExactly(l);
		}
	}

	private static boolean converged(List<SimNode> cluster, SimNode joiner) {
		for (SimNode node : cluster) {
			if (!ids(node).contains(joiner.node().id())) {
				return false;
			}
		}
		return ids(joiner).size() == cluster.size() + 1;
	}

	private static List<NodeId> ids(SimNode node) {
		return node.overlay().members().stream().map(Node::id).toList();
	}

}
