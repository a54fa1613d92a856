package dev.partisan.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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

	/** A short gossip interval, so that "several gossip periods" pass quickly. */
	private static final Duration GOSSIP = Duration.ofMillis(50);

	/** Six gossip periods: a leave that holds through these holds for good. */
	private static final Duration SEVERAL_GOSSIPS = GOSSIP.multipliedBy(6);

	@Test
	void aLeaveIssuedZeroToFiveMillisecondsAfterAJoinConvergedSticksInTwentyRealRounds() throws Exception {
		List<PartisanNode> cluster = startFast(3);
		PartisanNode leaver = this.nodes.start("l", (b) -> b.gossipInterval(GOSSIP));
		long seed = System.nanoTime();
		Random random = new Random(seed);
		for (int round = 0; round < 20; round++) {
			String where = "seed " + seed + ", round " + round;
			PartisanNode seedNode = cluster.get(random.nextInt(cluster.size()));
			leaver.join(seedNode.localNode()).join();
			// Polled every millisecond, so the leave follows convergence by 0-5 ms.
			for (PartisanNode node : cluster) {
				await().pollDelay(Duration.ZERO)
					.pollInterval(Duration.ofMillis(1))
					.atMost(TestNodes.awaitLimit())
					.untilAsserted(() -> assertThat(names(node)).as("the join converged (%s)", where).contains("l"));
			}
			Thread.sleep(random.nextInt(6));
			leaver.leave().join();
			assertHeldOut(cluster, leaver, where);
		}
	}

	@Test
	void aLeaveHoldsForSeveralGossipPeriodsAndTheNodeRejoins() {
		List<PartisanNode> cluster = startFast(4);
		PartisanNode leaver = cluster.get(3);
		List<String> downs = downsSeenBy(cluster.get(0));

		leaver.leave().join();

		assertHeldOut(cluster.subList(0, 3), leaver, "after n4 left");
		assertThat(downs).containsExactly("n4 LEFT");
		leaver.join(cluster.get(1).localNode()).join();
		for (PartisanNode node : cluster) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(names(node)).containsExactlyInAnyOrder("n1", "n2", "n3", "n4"));
		}
	}

	@Test
	void aRemovedNodeIsToldStaysOutForSeveralGossipPeriodsAndRejoins() {
		List<PartisanNode> cluster = startFast(4);
		PartisanNode removed = cluster.get(3);
		List<String> downsOnRemoved = downsSeenBy(removed);

		cluster.get(1).leave(removed.localNode().id()).join();

		assertHeldOut(cluster.subList(0, 3), removed, "after n2 removed n4");
		assertThat(downsOnRemoved).as("n4 was told, not left to detect silence")
			.containsExactlyInAnyOrder("n1 LEFT", "n2 LEFT", "n3 LEFT");
		removed.join(cluster.get(0).localNode()).join();
		for (PartisanNode node : cluster) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(names(node)).containsExactlyInAnyOrder("n1", "n2", "n3", "n4"));
		}
	}

	@Test
	void twoNodesLeavingAtTheSameMomentAreBothReportedLeft() {
		leaveTogether(4, 2);
	}

	@Test
	void threeNodesLeavingAtTheSameMomentAreAllReportedLeft() {
		leaveTogether(5, 3);
	}

	/**
	 * {@code leaving} nodes of a cluster of {@code size} leave at once and close, as a
	 * Spring Boot node does on SIGTERM; every other node reports each of them LEFT, and
	 * none later as UNREACHABLE.
	 */
	private void leaveTogether(int size, int leaving) {
		List<PartisanNode> cluster = startFast(size);
		List<PartisanNode> staying = cluster.subList(0, size - leaving);
		List<PartisanNode> leavers = cluster.subList(size - leaving, size);
		List<List<String>> downs = staying.stream().map(FullMeshClusterTest::downsSeenBy).toList();
		String[] expected = leavers.stream().map((n) -> n.localNode().name() + " LEFT").toArray(String[]::new);

		List<CompletableFuture<Void>> left = leavers.stream().map(PartisanNode::leave).toList();
		CompletableFuture.allOf(left.toArray(CompletableFuture[]::new)).join();
		leavers.forEach(PartisanNode::close);

		for (List<String> seen : downs) {
			await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(seen).hasSize(leaving));
		}
		// Past the failure timeout: a leaver reported by silence would show up now.
		await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
			for (List<String> seen : downs) {
				assertThat(seen).containsExactlyInAnyOrder(expected);
			}
		});
	}

	/**
	 * Asserts that no node of {@code cluster} has {@code out} as a member, and that it
	 * has none, and that this still holds several gossip periods later.
	 */
	private static void assertHeldOut(List<PartisanNode> cluster, PartisanNode out, String where) {
		String name = out.localNode().name();
		for (PartisanNode node : cluster) {
			await().pollInterval(Duration.ofMillis(10))
				.atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(names(node)).as("%s on %s (%s)", name, node.localNode().name(), where)
					.doesNotContain(name));
		}
		await().pollInterval(Duration.ofMillis(10))
			.atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(names(out)).as("%s is on its own (%s)", name, where).containsExactly(name));
		await().pollInterval(Duration.ofMillis(10))
			.during(SEVERAL_GOSSIPS)
			.atMost(SEVERAL_GOSSIPS.multipliedBy(3))
			.untilAsserted(() -> {
				for (PartisanNode node : cluster) {
					assertThat(names(node)).as("%s still out on %s (%s)", name, node.localNode().name(), where)
						.doesNotContain(name);
				}
				assertThat(names(out)).as("%s still on its own (%s)", name, where).containsExactly(name);
			});
	}

	static List<String> downsSeenBy(PartisanNode node) {
		List<String> downs = new CopyOnWriteArrayList<>();
		node.addMembershipListener(new MembershipListener() {
			@Override
			public void memberDown(Node down, DownReason reason) {
				downs.add(down.name() + " " + reason);
			}
		});
		return downs;
	}

	/** n1..n{size} with a short gossip interval, each joining n1, converged. */
	private List<PartisanNode> startFast(int size) {
		List<PartisanNode> cluster = new ArrayList<>();
		for (int i = 1; i <= size; i++) {
			PartisanNode node = this.nodes.start("n" + i, (b) -> b.gossipInterval(GOSSIP));
			if (i > 1) {
				node.join(cluster.get(0).localNode()).join();
			}
			cluster.add(node);
		}
		for (PartisanNode node : cluster) {
			await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(node.members()).hasSize(size));
		}
		return cluster;
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
