package dev.partisan.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.MessageEvent;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Large messages on one channel do not hold back small ones on another: the papers'
 * head-of-line argument for named channels. The large messages cross a slow link (an
 * injected egress delay), and the test asserts arrival order at one mailbox, never time.
 */
class HeadOfLineTest {

	private static final int LARGE = 4;

	private static final int SMALL = 20;

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void smallMessagesOnTheirOwnChannelOvertakeQueuedLargeOnes() {
		List<String> arrivals = sendLargeThenSmall("bulk");
		assertThat(arrivals.subList(0, SMALL)).as("arrival order %s", arrivals).containsOnly("small");
	}

	@Test
	void onASharedChannelTheSameSmallMessagesWaitBehindTheLargeOnes() {
		List<String> arrivals = sendLargeThenSmall(ForwardOptions.DEFAULT_CHANNEL);
		assertThat(arrivals.subList(0, LARGE)).containsOnly("large");
		assertThat(arrivals.subList(LARGE, LARGE + SMALL)).containsOnly("small");
	}

	private List<String> sendLargeThenSmall(String largeChannel) {
		PartisanNode receiver = this.nodes.start("receiver", (b) -> b.channel("bulk", 1));
		PartisanNode sender = this.nodes.start("sender", (b) -> b.channel("bulk", 1));
		sender.syncJoin(receiver.localNode()).join();
		List<String> arrivals = new CopyOnWriteArrayList<>();
		// One handler (one mailbox) for both kinds, so its order is the order frames came
		// off the sockets.
		receiver.register("sink", Object.class,
				(payload, meta) -> arrivals.add((payload instanceof byte[]) ? "large" : "small"));

		// A slow link for large messages, deterministically: each waits on its lane for a
		// second (far longer
		// than encoding them all takes), as it would behind a congested window. Whatever
		// shares that lane
		// waits too; other lanes do not.
		sender.faults()
			.delay("slow-large", Direction.EGRESS, (MessageEvent e) -> e.payloadSize() > 1_000_000,
					Duration.ofSeconds(1));
		NodeId to = receiver.localNode().id();
		byte[] eightMiB = new byte[8 * 1024 * 1024];
		for (int i = 0; i < LARGE; i++) {
			sender.forward(to, "sink", eightMiB, ForwardOptions.channel(largeChannel));
		}
		for (int i = 0; i < SMALL; i++) {
			sender.forward(to, "sink", "ping " + i, ForwardOptions.defaults());
		}
		await().atMost(TestNodes.awaitLimit()).until(() -> arrivals.size() == LARGE + SMALL);
		return arrivals;
	}

}
