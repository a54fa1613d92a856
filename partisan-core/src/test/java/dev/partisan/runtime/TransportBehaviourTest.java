package dev.partisan.runtime;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.LaneStats;
import dev.partisan.api.Node;
import dev.partisan.api.QueueFullException;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Compression, the pace of new connections, and bounded lane queues. */
class TransportBehaviourTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aCompressingChannelSendsFewerBytesAndDeliversTheSamePayload() {
		PartisanNode a = this.nodes.start("a", (b) -> b.channel("zip", 1, true));
		PartisanNode b = this.nodes.start("b", (c) -> c.channel("zip", 1, true));
		b.syncJoin(a.localNode()).join();
		List<byte[]> got = new CopyOnWriteArrayList<>();
		a.register("blob", byte[].class, (bytes, meta) -> got.add(bytes));
		byte[] compressible = new byte[1024 * 1024];
		Arrays.fill(compressible, (byte) 'a');
		b.forward(a.localNode().id(), "blob", compressible, ForwardOptions.channel("zip"));
		await().atMost(TestNodes.awaitLimit()).until(() -> got.size() == 1);
		assertThat(got.get(0)).isEqualTo(compressible);
		long sentOnZip = b.connectionTable()
			.stream()
			.filter((row) -> row.channel().equals("zip"))
			.mapToLong(LaneStats::sentBytes)
			.sum();
		assertThat(sentOnZip).isPositive().isLessThan(compressible.length / 10);
	}

	@Test
	void newConnectionsToAPeerOpenAtMostOnePerRefresh() {
		// With one connection per (very long) refresh, only the control lane is dialled
		// at once.
		PartisanNode a = this.nodes.start("a", (b) -> b.channel("vnode", 4).connectionRefresh(Duration.ofHours(1), 1));
		PartisanNode b = this.nodes.start("b", (c) -> c.channel("vnode", 4).connectionRefresh(Duration.ofHours(1), 1));
		b.join(a.localNode()).join();
		List<LaneStats> toA = b.connectionTable()
			.stream()
			.filter((row) -> row.peer().equals(a.localNode().id()))
			.toList();
		assertThat(toA).filteredOn(LaneStats::connected).extracting(LaneStats::channel).containsExactly("_control");
		assertThat(toA).hasSize(6);
	}

	@Test
	void withSeveralConnectionsPerRefreshEveryLaneOpens() {
		PartisanNode a = this.nodes.start("a",
				(b) -> b.channel("vnode", 4).connectionRefresh(Duration.ofMillis(50), 6));
		PartisanNode b = this.nodes.start("b",
				(c) -> c.channel("vnode", 4).connectionRefresh(Duration.ofMillis(50), 6));
		b.syncJoin(a.localNode()).join();
		assertThat(b.connectionTable()).hasSize(6).allMatch(LaneStats::connected);
	}

	@Test
	void aLaneQueueIsBoundedAndCountsWhatItRefuses() {
		Node unreachable = Node.of("unreachable", "127.0.0.1", 1);
		PartisanNode a = this.nodes.start("a",
				(b) -> b.overlay("static").seeds(List.of(unreachable)).maxQueued(10, 1024 * 1024));
		for (int i = 0; i < 10; i++) {
			a.forward(unreachable.id(), "inbox", "queued " + i);
		}
		assertThatThrownBy(() -> a.forward(unreachable.id(), "inbox", "one too many"))
			.isInstanceOf(QueueFullException.class)
			.hasMessageContaining("unreachable/default/0 is full (10 messages");
		LaneStats lane = a.connectionTable()
			.stream()
			.filter((row) -> row.channel().equals("default"))
			.findFirst()
			.orElseThrow();
		assertThat(lane.queuedMessages()).isEqualTo(10);
		assertThat(lane.droppedMessages()).isEqualTo(1);
		assertThat(lane.connected()).isFalse();
	}

}
