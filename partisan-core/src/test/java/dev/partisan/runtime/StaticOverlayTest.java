package dev.partisan.runtime;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.OverlayOperationException;
import dev.partisan.testing.FreePorts;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The static overlay: members fixed by configuration, all pairs connected, no join or
 * leave.
 */
class StaticOverlayTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void messagesFlowBetweenAllPairsAndJoinIsRefused() {
		List<Node> members = List.of(Node.of("s1", "127.0.0.1", FreePorts.next()),
				Node.of("s2", "127.0.0.1", FreePorts.next()), Node.of("s3", "127.0.0.1", FreePorts.next()));
		Map<String, Set<String>> received = new ConcurrentHashMap<>();
		List<PartisanNode> cluster = members.stream().map((member) -> {
			PartisanNode node = this.nodes.start(member.name(),
					(b) -> b.port(member.port()).overlay("static").seeds(members));
			received.put(member.name(), ConcurrentHashMap.newKeySet());
			node.register("inbox", String.class, (text, meta) -> received.get(member.name()).add(text));
			return node;
		}).toList();

		for (PartisanNode node : cluster) {
			await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(node.members()).hasSize(3));
		}
		for (PartisanNode from : cluster) {
			for (Node to : members) {
				if (!to.id().equals(from.localNode().id())) {
					from.forward(to.id(), "inbox", "from " + from.localNode().name());
				}
			}
		}
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> {
			assertThat(received.get("s1")).containsExactlyInAnyOrder("from s2", "from s3");
			assertThat(received.get("s2")).containsExactlyInAnyOrder("from s1", "from s3");
			assertThat(received.get("s3")).containsExactlyInAnyOrder("from s1", "from s2");
		});

		PartisanNode first = cluster.get(0);
		assertThatThrownBy(() -> first.join(Node.of("s4", "127.0.0.1", 1)).join())
			.hasCauseInstanceOf(OverlayOperationException.class)
			.hasMessageContaining("static overlay does not support join");
		assertThatThrownBy(() -> first.leave().join()).hasCauseInstanceOf(OverlayOperationException.class);
		assertThatThrownBy(() -> first.leave(NodeId.of("s2")).join())
			.hasCauseInstanceOf(OverlayOperationException.class);
		assertThat(first.overlayName()).isEqualTo("static");
	}

}
