package dev.partisan.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.LaneStats;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.FaultInjector;
import dev.partisan.testing.TestNodes;
import dev.partisan.transport.ChannelSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On a monotonic channel newer values supersede queued ones, yet the last value and one
 * per window get through.
 */
class MonotonicChannelTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void tenThousandUpdatesOverASlowLaneEndWithTheLastValueAndFarFewerTransmissions() throws InterruptedException {
		ChannelSpec gossip = new ChannelSpec("gossip", 1, false, false, true);
		Duration window = Duration.ofMillis(100);
		PartisanNode a = this.nodes.start("a", (b) -> b.channel(gossip).monotonicWindow(window));
		PartisanNode b = this.nodes.start("b", (c) -> c.channel(gossip).monotonicWindow(window));
		b.syncJoin(a.localNode()).join();
		List<Integer> received = new CopyOnWriteArrayList<>();
		a.register("state", Integer.class, (value, meta) -> received.add(value));
		b.faults().delay("slow-lane", Direction.EGRESS, FaultInjector.onChannel("gossip"), Duration.ofMillis(50));

		long started = System.nanoTime();
		for (int value = 0; value < 10_000; value++) {
			b.forward(a.localNode().id(), "state", value, ForwardOptions.channel("gossip"));
			if (value % 500 == 499) {
				Thread.sleep(20);
			}
		}
		long sendingMillis = (System.nanoTime() - started) / 1_000_000;

		await().atMost(TestNodes.awaitLimit())
			.until(() -> !received.isEmpty() && received.get(received.size() - 1) == 9_999);
		LaneStats lane = b.connectionTable()
			.stream()
			.filter((row) -> row.channel().equals("gossip"))
			.findFirst()
			.orElseThrow();
		assertThat(lane.sentMessages()).isEqualTo(received.size());
		assertThat(received.size()).as("transmitted").isLessThan(1_000);
		assertThat(lane.supersededMessages()).isEqualTo(10_000 - received.size());
		assertThat(received.size()).as("at least one per %s window over %d ms", window, sendingMillis)
			.isGreaterThanOrEqualTo((int) (sendingMillis / window.toMillis()));
		assertThat(received).isSorted();
	}

}
