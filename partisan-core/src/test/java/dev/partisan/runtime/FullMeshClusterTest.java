package dev.partisan.runtime;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.partisan.api.DownReason;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.JoinException;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Full-mesh membership: join through any member, converge, leave, detect a crash, come
 * back.
 */
class FullMeshClusterTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void fiveNodesJoiningThroughDifferentSeedsAllSeeFive() {
		List<PartisanNode> cluster = startFive();
		for (PartisanNode node : cluster) {
			assertThat(names(node)).containsExactlyInAnyOrder("n1", "n2", "n3", "n4", "n5");
		}
	}

	@Test
	void aLeavingNodeIsDroppedByAllOthers() {
		List<PartisanNode> cluster = startFive();
		List<String> downs = new CopyOnWriteArrayList<>();
		cluster.get(0).addMembershipListener(new MembershipListener() {
			@Override
			public void memberDown(Node node, DownReason reason) {
				downs.add(node.name() + " " + reason);
			}
		});
		PartisanNode leaver = cluster.get(2);
		leaver.leave().join();
		for (PartisanNode node : cluster) {
			if (node != leaver) {
				await().atMost(TestNodes.awaitLimit())
					.untilAsserted(() -> assertThat(names(node)).containsExactlyInAnyOrder("n1", "n2", "n4", "n5"));
			}
		}
		assertThat(names(leaver)).containsExactly("n3");
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(downs).as("a leave is told apart from a crash").containsExactly("n3 LEFT"));
	}

	@Test
	void aCrashedNodeIsMarkedDownAndIsUpAgainWhenRestarted() {
		List<PartisanNode> cluster = startFive();
		List<String> downs = new CopyOnWriteArrayList<>();
		List<String> ups = new CopyOnWriteArrayList<>();
		cluster.get(0).addMembershipListener(new MembershipListener() {
			@Override
			public void memberDown(Node node, DownReason reason) {
				downs.add(node.name() + " " + reason);
			}

			@Override
			public void memberUp(Node node) {
				ups.add(node.name());
			}
		});
		PartisanNode victim = cluster.get(4);
		int port = victim.localNode().port();
		victim.close();
		for (PartisanNode node : cluster.subList(0, 4)) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(names(node)).containsExactlyInAnyOrder("n1", "n2", "n3", "n4"));
		}
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(
					() -> assertThat(downs).as("a crash is told apart from a leave").containsExactly("n5 UNREACHABLE"));

		PartisanNode restarted = this.nodes.start("n5", (b) -> b.port(port));
		for (PartisanNode node : cluster.subList(0, 4)) {
			await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(node)).contains("n5"));
		}
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(names(restarted)).containsExactlyInAnyOrder("n1", "n2", "n3", "n4", "n5"));
		assertThat(ups).contains("n5");
	}

	@Test
	void aNodeCanBeAskedToLeaveByAnother() {
		List<PartisanNode> cluster = startFive();
		cluster.get(0).leave(NodeId.of("n4")).join();
		for (PartisanNode node : List.of(cluster.get(0), cluster.get(1), cluster.get(2), cluster.get(4))) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(names(node)).containsExactlyInAnyOrder("n1", "n2", "n3", "n5"));
		}
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(names(cluster.get(3))).containsExactly("n4"));
	}

	@Test
	void aSeedKnownOnlyByItsAddressIsAskedItsNameAndJoined() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = this.nodes.start("n2");
		Node seed = n2.joinAddress("127.0.0.1", n1.localNode().port()).join();
		assertThat(seed.name()).isEqualTo("n1");
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(names(n1)).containsExactlyInAnyOrder("n1", "n2"));
	}

	@Test
	void joiningThroughAnUnreachableSeedFailsClearly() {
		PartisanNode lonely = this.nodes.start("lonely");
		Node nobody = Node.of("nobody", "127.0.0.1", 1);
		assertThatThrownBy(() -> lonely.join(nobody).join()).hasCauseInstanceOf(JoinException.class)
			.hasMessageContaining("Could not reach seed 'nobody'");
		assertThat(lonely.connectionTable()).isEmpty();
	}

	private List<PartisanNode> startFive() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = this.nodes.start("n2");
		n2.join(n1.localNode()).join();
		PartisanNode n3 = this.nodes.start("n3");
		n3.join(n2.localNode()).join();
		PartisanNode n4 = this.nodes.start("n4");
		n4.join(n3.localNode()).join();
		PartisanNode n5 = this.nodes.start("n5");
		n5.join(n1.localNode()).join();
		List<PartisanNode> cluster = List.of(n1, n2, n3, n4, n5);
		for (PartisanNode node : cluster) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(names(node)).containsExactlyInAnyOrder("n1", "n2", "n3", "n4", "n5"));
		}
		return cluster;
	}

	static Set<String> names(PartisanNode node) {
		return node.members().stream().map(Node::name).collect(Collectors.toSet());
	}

}
