package dev.partisan.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.LaneStats;
import dev.partisan.testing.KeyedStreams;
import dev.partisan.testing.KeyedStreams.Update;
import dev.partisan.testing.TestNodes;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.transport.LanePlacement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Named channels with parallel lanes: the connection table, exactly-once, per-key FIFO.
 */
class ChannelsAndLanesTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void theConnectionTableHasTheControlDefaultAndFourVnodeLanes() {
		PartisanNode a = this.nodes.start("a", (b) -> b.channel("vnode", 4));
		PartisanNode b = this.nodes.start("b", (c) -> c.channel("vnode", 4));
		b.syncJoin(a.localNode()).join();

		List<LaneStats> toA = b.connectionTable()
			.stream()
			.filter((row) -> row.peer().equals(a.localNode().id()))
			.toList();
		assertThat(toA).extracting((row) -> row.channel() + "/" + row.lane())
			.containsExactlyInAnyOrder("_control/0", "default/0", "vnode/0", "vnode/1", "vnode/2", "vnode/3");
		assertThat(toA).allMatch(LaneStats::connected);
	}

	@Test
	void tenThousandMessagesFromSixteenSendersArriveOnceAndInOrderPerKey() throws Exception {
		PartisanNode a = this.nodes.start("a", (b) -> b.channel("vnode", 4));
		PartisanNode b = this.nodes.start("b", (c) -> c.channel("vnode", 4));
		b.syncJoin(a.localNode()).join();

		int senders = 16;
		int perSender = 625;
		int keys = 8;
		KeyedStreams streams = new KeyedStreams().receiveOn(a);

		streams.send(b, a.localNode().id(), "vnode", senders, perSender, keys);

		streams.assertAllOnceInOrder(senders * perSender, TestNodes.awaitLimit());
		List<LaneStats> vnodeLanes = b.connectionTable()
			.stream()
			.filter((row) -> row.channel().equals("vnode"))
			.toList();
		assertThat(vnodeLanes).hasSize(4).allMatch((row) -> row.sentMessages() > 0, "every vnode lane carried traffic");
		assertThat(vnodeLanes.stream().mapToLong(LaneStats::sentMessages).sum()).isEqualTo(senders * perSender);
		long receivedOnVnode = a.connectionTable()
			.stream()
			.filter((row) -> row.channel().equals("vnode"))
			.mapToLong(LaneStats::receivedMessages)
			.sum();
		assertThat(receivedOnVnode).isEqualTo(senders * perSender);
	}

	@Test
	void aBalancedChannelGivesEachOfFourSendersALaneOfItsOwnAndKeepsTheirOrder() {
		ChannelSpec balanced = new ChannelSpec("vnode", 4, false, false, false, LanePlacement.BALANCED);
		PartisanNode a = this.nodes.start("a", (b) -> b.channel(balanced));
		PartisanNode b = this.nodes.start("b", (c) -> c.channel(balanced));
		b.syncJoin(a.localNode()).join();
		Map<Integer, Integer> lastSeen = new ConcurrentHashMap<>();
		AtomicInteger outOfOrder = new AtomicInteger();
		AtomicInteger total = new AtomicInteger();
		a.register("updates", Update.class, (update, meta) -> {
			Integer previous = lastSeen.put(update.sender(), update.seq());
			if (previous != null && previous >= update.seq()) {
				outOfOrder.incrementAndGet();
			}
			total.incrementAndGet();
		});

		int perSender = 200;
		for (int seq = 0; seq < perSender; seq++) {
			for (int sender = 0; sender < 4; sender++) {
				b.forward(a.localNode().id(), "updates", new Update(sender, 0, seq),
						ForwardOptions.channel("vnode").sender("sender-" + sender));
			}
		}

		await().atMost(TestNodes.awaitLimit()).until(() -> total.get() == 4 * perSender);
		assertThat(outOfOrder).hasValue(0);
		assertThat(b.connectionTable()).filteredOn((row) -> row.channel().equals("vnode"))
			.extracting(LaneStats::sentMessages)
			.containsExactlyInAnyOrder((long) perSender, (long) perSender, (long) perSender, (long) perSender);
	}

	@Test
	void aMessageOnAChannelThePeerDoesNotHaveTravelsOnTheDefaultChannel() {
		PartisanNode a = this.nodes.start("a");
		PartisanNode b = this.nodes.start("b");
		b.syncJoin(a.localNode()).join();
		List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
		a.register("inbox", String.class, (text, meta) -> got.add(meta.channel() + ":" + text));
		b.forward(a.localNode().id(), "inbox", "hello", ForwardOptions.channel("unconfigured"));
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(got).containsExactly("unconfigured:hello"));
		assertThat(b.connectionTable()).filteredOn((row) -> row.channel().equals("default"))
			.allMatch((row) -> row.sentMessages() == 1);
	}

}
