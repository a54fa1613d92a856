package dev.partisan.runtime;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.partisan.api.DeliveryStats;
import dev.partisan.api.ForwardOptions;
import dev.partisan.api.LaneStats;
import dev.partisan.api.NodeId;
import dev.partisan.api.OutstandingLimitException;
import dev.partisan.interpose.MessageEvent;
import dev.partisan.testing.FreePorts;
import dev.partisan.testing.TestNodes;
import dev.partisan.transport.ChannelSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Acknowledged messages survive a lossy network and are delivered exactly once while both
 * nodes are up.
 */
class AcknowledgementTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void tenThousandAcknowledgedMessagesThroughTwentyPercentOmissionBothWaysArriveExactlyOnce() {
		PartisanNode a = this.nodes.start("a",
				(b) -> b.retransmitInterval(Duration.ofMillis(100)).maxOutstandingAcks(20_000));
		PartisanNode b = this.nodes.start("b",
				(c) -> c.retransmitInterval(Duration.ofMillis(100)).maxOutstandingAcks(20_000));
		b.syncJoin(a.localNode()).join();
		Map<Integer, AtomicInteger> deliveries = new ConcurrentHashMap<>();
		a.register("counter", Integer.class,
				(n, meta) -> deliveries.computeIfAbsent(n, (k) -> new AtomicInteger()).incrementAndGet());

		for (PartisanNode node : List.of(a, b)) {
			node.faults()
				.omit("lossy", null, (MessageEvent e) -> e.kind().equals("DATA") || e.kind().equals("ACK"), 0.2,
						Long.MAX_VALUE);
		}
		for (int i = 0; i < 10_000; i++) {
			b.forward(a.localNode().id(), "counter", i, ForwardOptions.defaults().ack(true));
		}

		await().atMost(Duration.ofSeconds(60)).until(() -> b.deliveryStats().outstandingAcks() == 0);
		await().atMost(TestNodes.awaitLimit()).until(() -> deliveries.size() == 10_000);
		assertThat(deliveries.values()).allMatch((count) -> count.get() == 1);
		DeliveryStats sender = b.deliveryStats();
		assertThat(sender.retransmits()).isPositive();
		assertThat(sender.acknowledged()).isEqualTo(10_000);
		assertThat(a.deliveryStats().duplicatesDropped()).as("lost acknowledgements caused duplicates").isPositive();
		assertThat(b.faults().dropped() + a.faults().dropped()).isPositive();
		assertThat(b.connectionTable()).allMatch((row) -> row.queuedMessages() == 0);
	}

	@Test
	void aChannelConfiguredWithAckAcknowledgesEveryMessage() {
		ChannelSpec reliable = new ChannelSpec("reliable", 2, false, true, false);
		PartisanNode a = this.nodes.start("a", (b) -> b.channel(reliable).retransmitInterval(Duration.ofMillis(100)));
		PartisanNode b = this.nodes.start("b", (c) -> c.channel(reliable).retransmitInterval(Duration.ofMillis(100)));
		b.syncJoin(a.localNode()).join();
		AtomicInteger got = new AtomicInteger();
		a.register("sink", String.class, (text, meta) -> got.incrementAndGet());
		b.faults().omit("drop-first-two", null, (MessageEvent e) -> e.kind().equals("DATA"), 1.0, 2);
		for (int i = 0; i < 5; i++) {
			b.forward(a.localNode().id(), "sink", "m" + i, ForwardOptions.channel("reliable"));
		}
		await().atMost(TestNodes.awaitLimit()).until(() -> got.get() == 5 && b.deliveryStats().outstandingAcks() == 0);
		assertThat(b.deliveryStats().retransmits()).isGreaterThanOrEqualTo(2);
	}

	@Test
	void theOutstandingBufferIsBoundedPerPeer() {
		PartisanNode a = this.nodes.start("a");
		PartisanNode b = this.nodes.start("b",
				(c) -> c.maxOutstandingAcks(3).retransmitInterval(Duration.ofMinutes(10)));
		b.syncJoin(a.localNode()).join();
		b.faults().omit("black-hole", null, (MessageEvent e) -> e.kind().equals("DATA"), 1.0, Long.MAX_VALUE);
		NodeId to = a.localNode().id();
		for (int i = 0; i < 3; i++) {
			b.forward(to, "nobody", i, ForwardOptions.defaults().ack(true));
		}
		assertThatThrownBy(() -> b.forward(to, "nobody", 4, ForwardOptions.defaults().ack(true)))
			.isInstanceOf(OutstandingLimitException.class)
			.hasMessageContaining("Already 3 acknowledged messages to 'a'");
		assertThat(b.deliveryStats().outstandingAcks()).isEqualTo(3);
		assertThat(b.connectionTable().stream().mapToLong(LaneStats::droppedMessages).sum()).isZero();
	}

	@Test
	void aReceiverThatCrashesWithABacklogGetsEveryUnhandledMessageAgainAfterItRestarts() throws Exception {
		PartisanNode sender = this.nodes.start("sender", (c) -> c.retransmitInterval(Duration.ofMillis(200)));
		int port = FreePorts.next();
		PartisanNode receiver = this.nodes.start("receiver", (c) -> c.port(port));
		receiver.syncJoin(sender.localNode()).join();
		Set<Integer> handledBeforeCrash = ConcurrentHashMap.newKeySet();
		CountDownLatch never = new CountDownLatch(1);
		// A slow handler: it handles 50 messages, then is stuck while the rest queue
		// behind it.
		receiver.register("slow", Integer.class, (n, meta) -> {
			if (handledBeforeCrash.size() >= 50) {
				never.await();
			}
			handledBeforeCrash.add(n);
		});

		for (int i = 0; i < 1_000; i++) {
			sender.forward(receiver.localNode().id(), "slow", i, ForwardOptions.defaults().ack(true));
		}
		await().atMost(TestNodes.awaitLimit()).until(() -> handledBeforeCrash.size() == 50);
		long acknowledgedBeforeCrash = sender.deliveryStats().acknowledged();
		receiver.close(); // its mailbox, with the rest of the messages, is gone

		assertThat(acknowledgedBeforeCrash).as("only what was handled was acknowledged")
			.isLessThanOrEqualTo(handledBeforeCrash.size());
		Set<Integer> handledAfterRestart = ConcurrentHashMap.newKeySet();
		PartisanNode restarted = this.nodes.start("receiver", (c) -> c.port(port));
		restarted.register("slow", Integer.class, (n, meta) -> handledAfterRestart.add(n));
		restarted.syncJoin(sender.localNode()).join();

		await().atMost(Duration.ofSeconds(60)).until(() -> sender.deliveryStats().outstandingAcks() == 0);
		Set<Integer> handled = new HashSet<>(handledBeforeCrash);
		handled.addAll(handledAfterRestart);
		assertThat(handled).as("every message sent was handled, before the crash or after the restart").hasSize(1_000);
		assertThat(handledAfterRestart).as("everything not acknowledged before the crash came again")
			.hasSizeGreaterThanOrEqualTo((int) (1_000 - acknowledgedBeforeCrash));
	}

}
