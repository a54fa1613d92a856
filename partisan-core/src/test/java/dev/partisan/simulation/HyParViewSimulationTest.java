package dev.partisan.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.simulation.Simulation.Report;
import dev.partisan.simulation.Simulation.SimNode;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HyParView at the papers' scale, on the simulator: 1,024 nodes, crashes of 20% and 50%,
 * a fixed seed.
 */
class HyParViewSimulationTest {

	private static final Logger logger = LoggerFactory.getLogger(HyParViewSimulationTest.class);

	/**
	 * The Erlang original's defaults, without route announcements (their cost grows with
	 * n²).
	 */
	private static final HyParViewOverlay.Settings SETTINGS = new HyParViewOverlay.Settings(6, 30, 6, 3,
			Duration.ofSeconds(10), 3, 4, Duration.ZERO);

	record Outcome(Report afterJoins, Report afterTwentyPercent, Report afterFiftyPercent, String activeViews,
			List<Integer> broadcastMisses) {
	}

	@Test
	void oneThousandTwentyFourNodesStayConnectedThroughTwentyAndFiftyPercentCrashes() {
		long started = System.nanoTime();
		Outcome outcome = run(1024, 42);
		logger.info("Simulated 1,024 HyParView nodes in {} ms: after joins {}; after 20% crashes {}; after 50% {}",
				(System.nanoTime() - started) / 1_000_000, outcome.afterJoins(), outcome.afterTwentyPercent(),
				outcome.afterFiftyPercent());

		assertThat(outcome.afterJoins().connected()).as("connected after joins").isTrue();
		assertThat(outcome.afterJoins().viewSizes().keySet())
			.allMatch((size) -> size >= 1 && size <= SETTINGS.activeMax());
		assertThat(outcome.afterTwentyPercent().liveNodes()).isEqualTo(820);
		assertThat(outcome.afterTwentyPercent().connected()).as("connected after 20% crashes").isTrue();
		assertThat(outcome.afterFiftyPercent().liveNodes()).isEqualTo(512);
		assertThat(outcome.afterFiftyPercent().connected()).as("connected after 50% crashes").isTrue();
		assertThat(outcome.broadcastMisses()).as("live nodes a broadcast missed or reached twice, per phase")
			.containsExactly(0, 0, 0);
	}

	@Test
	void theSameSeedGivesTheSameRun() {
		Outcome first = run(1024, 7);
		Outcome second = run(1024, 7);
		assertThat(second.activeViews()).isEqualTo(first.activeViews());
		assertThat(second.afterFiftyPercent()).isEqualTo(first.afterFiftyPercent());
		assertThat(second.broadcastMisses()).isEqualTo(first.broadcastMisses());
		assertThat(run(64, 8).activeViews()).isNotEqualTo(run(64, 7).activeViews());
	}

	private static Outcome run(int size, long seed) {
		Simulation sim = new Simulation(seed, Duration.ofMillis(1), Duration.ofSeconds(2));
		Random choices = new Random(seed);
		List<SimNode> nodes = sim.grow(size, () -> new HyParViewOverlay(SETTINGS), choices);
		sim.runFor(Duration.ofSeconds(60));
		Report afterJoins = sim.report(HyParViewSimulationTest::activeView);
		logger.info("Messages by type after joins ({} nodes): {}", size, sim.messagesByType());
		String views = describe(sim);
		List<Integer> misses = new ArrayList<>();
		misses.add(broadcastMisses(sim, "after-joins"));

		crash(sim, nodes, choices, size - (size * 4 + 4) / 5, size);
		sim.runFor(Duration.ofSeconds(60));
		Report afterTwenty = sim.report(HyParViewSimulationTest::activeView);
		misses.add(broadcastMisses(sim, "after-20"));

		crash(sim, nodes, choices, sim.live().size() - size / 2, size);
		sim.runFor(Duration.ofSeconds(60));
		Report afterFifty = sim.report(HyParViewSimulationTest::activeView);
		misses.add(broadcastMisses(sim, "after-50"));
		return new Outcome(afterJoins, afterTwenty, afterFifty, views, misses);
	}

	/**
	 * Broadcasts from the first live node; counts live nodes that did not deliver it
	 * exactly once.
	 */
	private static int broadcastMisses(Simulation sim, String text) {
		SimNode origin = sim.live().get(0);
		origin.broadcast("app", text);
		sim.runFor(Duration.ofSeconds(10));
		String expected = origin.node().name() + ":" + text;
		int misses = 0;
		for (SimNode node : sim.live()) {
			if (node.delivered("app").stream().filter(expected::equals).count() != 1) {
				misses++;
			}
		}
		return misses;
	}

	private static void crash(Simulation sim, List<SimNode> nodes, Random choices, int count, int size) {
		int crashed = 0;
		while (crashed < count) {
			SimNode victim = nodes.get(choices.nextInt(size));
			if (victim.alive()) {
				sim.crash(victim.node().id());
				crashed++;
			}
		}
	}

	private static List<dev.partisan.api.Node> activeView(SimNode node) {
		return ((HyParViewOverlay) node.overlay()).activeView();
	}

	private static String describe(Simulation sim) {
		StringBuilder text = new StringBuilder();
		for (SimNode node : sim.all()) {
			text.append(node.node().name()).append(activeView(node).stream().map(dev.partisan.api.Node::name).toList());
		}
		return text.toString();
	}

}
