package dev.partisan.simulation;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.FullMeshOverlay;
import dev.partisan.simulation.Simulation.SimNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Full-mesh leaves and removals that the randomized membership test
 * ({@link FullMeshRandomMembershipTest}) found undone or never heard, each on its own: a
 * farewell or a removal missed behind a partition, a leave overtaking the node's own
 * join, and a node removed, then joined anew.
 */
class FullMeshMembershipRaceSimulationTest {

	private static final Duration GOSSIP = Duration.ofMillis(200);

	private static final Duration SETTLE = Duration.ofSeconds(5);

	private final Simulation sim = new Simulation(5, Duration.ofMillis(1), Duration.ofSeconds(1));

	private SimNode node(String name) {
		return this.sim.add(name, new FullMeshOverlay(GOSSIP));
	}

	private List<SimNode> cluster(String... names) {
		List<SimNode> nodes = java.util.Arrays.stream(names).map(this::node).toList();
		for (int i = 1; i < nodes.size(); i++) {
			nodes.get(i).join(nodes.get(0));
		}
		this.sim.runFor(Duration.ofSeconds(1));
		return nodes;
	}

	@Test
	void aMemberThatMissedAFarewellBehindAPartitionDropsTheLeaverAfterTheHeal() {
		// Two nodes: no third member can pass the leave on, only the leaver itself.
		List<SimNode> ab = cluster("a", "b");
		this.sim.partition(Set.of(id("b")), Set.of(id("a")));
		this.sim.runFor(Duration.ofSeconds(2));
		ab.get(0).leave();
		this.sim.runFor(Duration.ofSeconds(2));
		this.sim.heal();
		this.sim.runFor(SETTLE);
		assertThat(names(ab.get(1))).containsExactly("b");
		assertThat(names(ab.get(0))).containsExactly("a");
	}

	@Test
	void aNodeRemovedBehindAPartitionIsToldWhenItGossipsAfterTheHeal() {
		List<SimNode> abc = cluster("a", "b", "c");
		this.sim.partition(Set.of(id("c")), Set.of(id("a"), id("b")));
		this.sim.runFor(Duration.ofSeconds(2));
		abc.get(0).remove(id("c"));
		this.sim.runFor(Duration.ofSeconds(2));
		this.sim.heal();
		this.sim.runFor(SETTLE);
		assertThat(names(abc.get(2))).as("c learned it was removed").containsExactly("c");
		assertThat(names(abc.get(0))).containsExactlyInAnyOrder("a", "b");
		assertThat(names(abc.get(1))).containsExactlyInAnyOrder("a", "b");
	}

	@Test
	void aLeaveIssuedWhileTheNodesJoinIsInFlightWins() {
		List<SimNode> ab = cluster("a", "b");
		SimNode c = node("c");
		c.join(ab.get(0));
		c.leave();
		this.sim.runFor(SETTLE);
		assertThat(names(ab.get(0))).containsExactlyInAnyOrder("a", "b");
		assertThat(names(ab.get(1))).containsExactlyInAnyOrder("a", "b");
		assertThat(names(c)).containsExactly("c");
	}

	@Test
	void aRemovedNodeJoinedAnewIsNotRemovedAgainWhenItsNewClusterMeetsTheOldOne() {
		List<SimNode> abc = cluster("a", "b", "c");
		abc.get(0).remove(id("c"));
		this.sim.runFor(Duration.ofSeconds(2));
		SimNode d = node("d");
		d.join(abc.get(2));
		this.sim.runFor(Duration.ofSeconds(1));
		abc.get(1).leave();
		this.sim.runFor(Duration.ofSeconds(1));
		abc.get(1).join(d);
		this.sim.runFor(SETTLE);
		assertThat(names(abc.get(2))).containsExactlyInAnyOrder("b", "c", "d");
		assertThat(names(d)).containsExactlyInAnyOrder("b", "c", "d");
		assertThat(names(abc.get(1))).containsExactlyInAnyOrder("b", "c", "d");
	}

	@Test
	void aNodeThatRemovedAnotherThenLeftCanJoinThroughIt() {
		List<SimNode> ab = cluster("a", "b");
		ab.get(0).remove(id("b"));
		this.sim.runFor(Duration.ofSeconds(2));
		ab.get(0).leave();
		this.sim.runFor(Duration.ofSeconds(2));
		ab.get(0).join(ab.get(1));
		this.sim.runFor(SETTLE);
		assertThat(names(ab.get(0))).containsExactlyInAnyOrder("a", "b");
		assertThat(names(ab.get(1))).containsExactlyInAnyOrder("a", "b");
	}

	private static NodeId id(String name) {
		return NodeId.of(name);
	}

	private static List<String> names(SimNode node) {
		return node.overlay().members().stream().map(Node::name).toList();
	}

}
