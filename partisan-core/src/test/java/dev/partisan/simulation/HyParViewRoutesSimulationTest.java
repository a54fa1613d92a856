package dev.partisan.simulation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.simulation.Simulation.SimNode;
import dev.partisan.wire.RelayCodec;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transitive delivery on the peer-to-peer overlay: the routes the route announcements
 * teach reach every node from every other, within the relay hop limit, and along paths
 * not much longer than the overlay's shortest.
 */
class HyParViewRoutesSimulationTest {

	private static final Logger logger = LoggerFactory.getLogger(HyParViewRoutesSimulationTest.class);

	private static final HyParViewOverlay.Settings SETTINGS = new HyParViewOverlay.Settings(5, 15, 5, 2,
			Duration.ofSeconds(1), 2, 3, Duration.ofSeconds(1));

	@Test
	void everyNodeRoutesToEveryOtherWithinTheHopLimitAlongNearlyShortestPaths() {
		Simulation sim = new Simulation(1, Duration.ofMillis(1), Duration.ofSeconds(2));
		sim.grow(60, () -> new HyParViewOverlay(SETTINGS), new Random(1));
		sim.runFor(Duration.ofSeconds(60));
		List<SimNode> live = sim.live();
		Map<Integer, Integer> routed = new java.util.TreeMap<>();
		long routedTotal = 0;
		long shortestTotal = 0;
		for (SimNode from : live) {
			Map<NodeId, Integer> shortest = shortestPaths(sim, from.node().id());
			for (SimNode to : live) {
				if (from != to) {
					int hops = hopsAlongRoutes(sim, from, to.node().id());
					routed.merge(hops, 1, Integer::sum);
					routedTotal += hops;
					shortestTotal += shortest.get(to.node().id());
				}
			}
		}
		logger.info("Hops along routes between 60 nodes: {}; mean {} against {} along shortest paths", routed,
				(double) routedTotal / (60 * 59), (double) shortestTotal / (60 * 59));
		assertThat(routed.keySet()).as("hops from every node to every other (0: no route)")
			.allMatch((hops) -> hops >= 1 && hops <= RelayCodec.TTL);
		assertThat((double) routedTotal).as("hops along routes, all pairs").isLessThan(1.5 * shortestTotal);
	}

	/**
	 * The links a relay takes from {@code from} to {@code to}: next hops until a node has
	 * it in its active view; 0 when a node on the way has no route, or the way loops.
	 */
	private static int hopsAlongRoutes(Simulation sim, SimNode from, NodeId to) {
		SimNode at = from;
		for (int hops = 1; hops <= 4 * RelayCodec.TTL; hops++) {
			if (activeView(at).stream().anyMatch((n) -> n.id().equals(to))) {
				return hops;
			}
			NodeId next = at.overlay().nextHop(to);
			if (next == null) {
				return 0;
			}
			at = sim.node(next);
		}
		return 0;
	}

	private static Map<NodeId, Integer> shortestPaths(Simulation sim, NodeId from) {
		Map<NodeId, Integer> distance = new HashMap<>(Map.of(from, 0));
		Deque<NodeId> queue = new ArrayDeque<>(List.of(from));
		while (!queue.isEmpty()) {
			NodeId at = queue.poll();
			for (Node next : activeView(sim.node(at))) {
				if (distance.putIfAbsent(next.id(), distance.get(at) + 1) == null) {
					queue.add(next.id());
				}
			}
		}
		return distance;
	}

	private static List<Node> activeView(SimNode node) {
		return ((HyParViewOverlay) node.overlay()).activeView();
	}

}
