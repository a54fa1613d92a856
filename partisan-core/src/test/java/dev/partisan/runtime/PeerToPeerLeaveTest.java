package dev.partisan.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.partisan.api.DownReason;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Peer-to-peer leave, removal, rejoin and crash on real nodes: five nodes whose active
 * views hold everyone, shuffling every 200 ms, so a leaver that came back through a
 * shuffle, a passive view or a neighbour request would show within a few rounds.
 */
class PeerToPeerLeaveTest {

	private static final Duration SHUFFLE = Duration.ofMillis(200);

	/** Active views of five (everyone), walks short enough for five nodes. */
	private static final HyParViewOverlay.Settings SETTINGS = new HyParViewOverlay.Settings(5, 10, 3, 1, SHUFFLE, 2, 3,
			Duration.ofSeconds(1));

	private final TestNodes nodes = new TestNodes();

	/** What each node's listener heard go down, as "name REASON", in order. */
	private final Map<String, List<String>> downs = new ConcurrentHashMap<>();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aNodeThatLeavesIsReportedLeftByEveryOtherAndStaysOutAcrossTenShuffles() {
		List<PartisanNode> cluster = startFive();
		PartisanNode leaver = cluster.get(2);

		leaver.leave().join();

		List<PartisanNode> others = without(cluster, leaver);
		awaitOut(others, leaver);
		for (PartisanNode node : others) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(downsOf(node)).containsExactly("n3 LEFT"));
		}
		assertThat(names(leaver)).containsExactly("n3");
		assertStaysOut(others, leaver);
		for (PartisanNode node : others) {
			assertThat(downsOf(node)).as("what %s heard go down", node.localNode().name()).containsExactly("n3 LEFT");
		}
		assertThat(viewsOf(leaver)).isEmpty();
	}

	@Test
	void aNodeThatLeftJoinsAgainAndTheMembersConverge() {
		List<PartisanNode> cluster = startFive();
		PartisanNode leaver = cluster.get(2);
		leaver.leave().join();
		awaitOut(without(cluster, leaver), leaver);

		leaver.join(cluster.get(0).localNode()).join();

		awaitEveryoneSeesEveryone(cluster);
	}

	@Test
	void aNodeRemovedByAnotherIsReportedLeftEverywhereAndConsidersItselfOut() {
		List<PartisanNode> cluster = startFive();
		PartisanNode removed = cluster.get(3);

		cluster.get(0).leave(NodeId.of("n4")).join();

		List<PartisanNode> others = without(cluster, removed);
		awaitOut(others, removed);
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(removed)).containsExactly("n4"));
		for (PartisanNode node : others) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(downsOf(node)).containsExactly("n4 LEFT"));
		}
		assertStaysOut(others, removed);
		assertThat(names(removed)).containsExactly("n4");
		assertThat(viewsOf(removed)).isEmpty();
	}

	@Test
	void aNodeRemovedByAnotherCanJoinAgain() {
		List<PartisanNode> cluster = startFive();
		PartisanNode removed = cluster.get(3);
		cluster.get(0).leave(NodeId.of("n4")).join();
		awaitOut(without(cluster, removed), removed);
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(removed)).containsExactly("n4"));

		removed.join(cluster.get(1).localNode()).join();

		awaitEveryoneSeesEveryone(cluster);
	}

	@Test
	void aNodeClosedWithoutLeavingIsReportedUnreachableNeverLeft() {
		List<PartisanNode> cluster = startFive();
		PartisanNode victim = cluster.get(4);

		victim.close();

		List<PartisanNode> others = without(cluster, victim);
		awaitOut(others, victim);
		for (PartisanNode node : others) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(downsOf(node)).containsExactly("n5 UNREACHABLE"));
		}
	}

	@Test
	void aNodeCrashedByTheFaultInjectorIsReportedUnreachableNeverLeft() {
		List<PartisanNode> cluster = startFive();
		PartisanNode victim = cluster.get(1);

		victim.faults().crash();

		List<PartisanNode> others = without(cluster, victim);
		awaitOut(others, victim);
		for (PartisanNode node : others) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(downsOf(node)).containsExactly("n2 UNREACHABLE"));
		}
	}

	/** n1 to n5, each joining through the previous one, every one up at every other. */
	private List<PartisanNode> startFive() {
		List<PartisanNode> cluster = new ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			PartisanNode node = this.nodes.start("n" + i, (b) -> b.overlay("peer-to-peer").hyParView(SETTINGS));
			String name = node.localNode().name();
			this.downs.put(name, new CopyOnWriteArrayList<>());
			node.addMembershipListener(new MembershipListener() {
				@Override
				public void memberDown(Node down, DownReason reason) {
					PeerToPeerLeaveTest.this.downs.get(name).add(down.name() + " " + reason);
				}
			});
			if (!cluster.isEmpty()) {
				node.join(cluster.get(cluster.size() - 1).localNode()).join();
			}
			cluster.add(node);
		}
		awaitEveryoneSeesEveryone(cluster);
		// Joining may have moved neighbours between views before the views settled.
		this.downs.values().forEach(List::clear);
		return cluster;
	}

	private static void awaitEveryoneSeesEveryone(List<PartisanNode> cluster) {
		List<String> all = cluster.stream().map((n) -> n.localNode().name()).toList();
		for (PartisanNode node : cluster) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(names(node)).as("members of %s", node.localNode().name())
					.containsExactlyInAnyOrderElementsOf(all));
		}
	}

	private static void awaitOut(List<PartisanNode> others, PartisanNode gone) {
		for (PartisanNode node : others) {
			await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertOut(node, gone));
		}
	}

	/** Ten shuffle rounds, checked after each: the node that is gone never comes back. */
	private static void assertStaysOut(List<PartisanNode> others, PartisanNode gone) {
		for (int round = 0; round < 10; round++) {
			sleep(SHUFFLE);
			for (PartisanNode node : others) {
				assertOut(node, gone);
			}
		}
	}

	private static void assertOut(PartisanNode node, PartisanNode gone) {
		String name = gone.localNode().name();
		assertThat(names(node)).as("members of %s", node.localNode().name()).doesNotContain(name);
		assertThat(viewsOf(node)).as("views of %s", node.localNode().name()).doesNotContain(name);
	}

	private List<String> downsOf(PartisanNode node) {
		return this.downs.get(node.localNode().name());
	}

	private static List<String> viewsOf(PartisanNode node) {
		return node.views().values().stream().flatMap(List::stream).map(Node::name).toList();
	}

	private static List<PartisanNode> without(List<PartisanNode> cluster, PartisanNode gone) {
		return cluster.stream().filter((n) -> n != gone).toList();
	}

	private static List<String> names(PartisanNode node) {
		return node.members().stream().map(Node::name).sorted().collect(Collectors.toList());
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
