package dev.partisan.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.FaultInjector;
import dev.partisan.interpose.MessageEvent;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The papers' causal scenario: A sends m1 to C, then m2 to B; B, on m2, sends m3 to C.
 * Whatever the network does to A→C, C delivers m1 before m3.
 */
class CausalDeliveryTest {

	private static final TestNodes nodes = new TestNodes();

	private static PartisanNode a;

	private static PartisanNode b;

	private static PartisanNode c;

	private static final Map<String, List<String>> deliveredAtC = new ConcurrentHashMap<>();

	@BeforeAll
	static void startThreeNodes() {
		a = nodes.start("a", (x) -> x.retransmitInterval(Duration.ofMillis(50)));
		b = nodes.start("b", (x) -> x.retransmitInterval(Duration.ofMillis(50)));
		c = nodes.start("c", (x) -> x.retransmitInterval(Duration.ofMillis(50)));
		b.syncJoin(a.localNode()).join();
		c.syncJoin(a.localNode()).join();
		for (PartisanNode node : List.of(a, b, c)) {
			await().atMost(TestNodes.awaitLimit()).until(() -> node.members().size() == 3);
		}
		c.register("inbox", String.class,
				(text, meta) -> deliveredAtC.computeIfAbsent(text.split(":")[0], (k) -> new CopyOnWriteArrayList<>())
					.add(text.split(":")[1]));
		b.register("relay", String.class, (run, meta) -> b.forward(c.localNode().id(), "inbox", run + ":m3",
				ForwardOptions.defaults().causalLabel(run)));
	}

	@AfterAll
	static void stopAll() {
		nodes.close();
	}

	@Test
	void m1IsDeliveredBeforeM3WhenTheDirectLinkIsDelayed() {
		c.faults()
			.delay("slow-a", Direction.INGRESS,
					(MessageEvent e) -> e.peer().equals(NodeId.of("a")) && e.isApplication(), Duration.ofMillis(300));
		try {
			runScenario("delayed");
			assertThat(c.deliveryStats().causallyHeld()).isZero();
		}
		finally {
			c.faults().remove("slow-a");
		}
		assertThat(deliveredAtC.get("delayed")).containsExactly("m1", "m3");
	}

	@Test
	void causalOrderHoldsUnderOneHundredSeededRandomFaultSchedules() {
		for (int seed = 0; seed < 100; seed++) {
			Random random = new Random(seed);
			String run = "run" + seed;
			for (PartisanNode node : List.of(a, b, c)) {
				int delayMillis = random.nextInt(40);
				double loss = random.nextDouble() * 0.3;
				node.faults().delay("delay", Direction.INGRESS, FaultInjector.all(), Duration.ofMillis(delayMillis));
				node.faults()
					.omit("loss", Direction.INGRESS,
							(MessageEvent e) -> e.kind().equals("DATA") || e.kind().equals("ACK"), loss,
							Long.MAX_VALUE);
			}
			try {
				runScenario(run);
			}
			finally {
				List.of(a, b, c).forEach((node) -> node.faults().clear());
			}
			assertThat(deliveredAtC.get(run)).as("schedule %d", seed).containsExactly("m1", "m3");
		}
	}

	private static void runScenario(String run) {
		ForwardOptions label = ForwardOptions.defaults().causalLabel(run);
		a.forward(c.localNode().id(), "inbox", run + ":m1", label);
		a.forward(b.localNode().id(), "relay", run, label);
		await().atMost(TestNodes.awaitLimit()).until(() -> deliveredAtC.getOrDefault(run, List.of()).size() == 2);
	}

}
