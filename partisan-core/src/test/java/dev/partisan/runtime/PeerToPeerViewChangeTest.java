package dev.partisan.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.DownReason;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.Node;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Peer-to-peer view changes on real nodes are not departures: with active views of two, a
 * third node joining through the first forces it to move a neighbour to its passive view,
 * and shuffles every 200 ms keep moving them; listeners hear "out of view", never "down",
 * until a node really leaves or crashes.
 */
class PeerToPeerViewChangeTest {

	private static final Duration SHUFFLE = Duration.ofMillis(200);

	/** Active views of two, so four nodes cannot all be neighbours of each other. */
	private static final HyParViewOverlay.Settings SETTINGS = new HyParViewOverlay.Settings(2, 10, 3, 1, SHUFFLE, 1, 3,
			Duration.ofSeconds(1));

	private final TestNodes nodes = new TestNodes();

	/** What each node's listener heard, as "down name REASON" or "out name". */
	private final Map<String, List<String>> heard = new ConcurrentHashMap<>();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aNeighbourMovedToThePassiveViewIsReportedOutOfViewAndNeverDown() {
		List<PartisanNode> cluster = startFour();

		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(heardBy(cluster.get(0))).anyMatch((line) -> line.startsWith("out ")));
		// Several shuffle rounds: views keep changing, nobody goes down.
		await().during(SHUFFLE.multipliedBy(8)).atMost(SHUFFLE.multipliedBy(12)).untilAsserted(() -> {
			for (PartisanNode node : cluster) {
				assertThat(heardBy(node)).as("heard by %s", node.localNode().name())
					.noneMatch((line) -> line.startsWith("down "));
			}
		});
	}

	@Test
	void aNodeThatLeavesIsStillReportedLeft() {
		List<PartisanNode> cluster = startFour();

		cluster.get(3).leave().join();

		assertDepartureReportedOnlyAs(cluster.subList(0, 3), "down n4 LEFT", "down n4 UNREACHABLE");
	}

	@Test
	void aNodeThatCrashesIsStillReportedUnreachable() {
		List<PartisanNode> cluster = startFour();

		cluster.get(3).faults().crash();

		assertDepartureReportedOnlyAs(cluster.subList(0, 3), "down n4 UNREACHABLE", "down n4 LEFT");
	}

	/**
	 * Its neighbours report n4 as {@code expected} (a node that had it only in its
	 * passive view reports nothing), and nobody reports it as {@code wrong}, also past
	 * the failure timeout.
	 */
	private void assertDepartureReportedOnlyAs(List<PartisanNode> others, String expected, String wrong) {
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(others).anyMatch((node) -> heardBy(node).contains(expected)));
		await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
			for (PartisanNode node : others) {
				assertThat(heardBy(node)).as("heard by %s", node.localNode().name()).doesNotContain(wrong);
			}
		});
	}

	/** n1 to n4, each joining through n1, recorded from the start. */
	private List<PartisanNode> startFour() {
		List<PartisanNode> cluster = new ArrayList<>();
		for (int i = 1; i <= 4; i++) {
			PartisanNode node = this.nodes.start("n" + i, (b) -> b.overlay("peer-to-peer").hyParView(SETTINGS));
			List<String> lines = new CopyOnWriteArrayList<>();
			this.heard.put(node.localNode().name(), lines);
			node.addMembershipListener(new MembershipListener() {
				@Override
				public void memberDown(Node down, DownReason reason) {
					lines.add("down " + down.name() + " " + reason);
				}

				@Override
				public void memberOutOfView(Node out) {
					lines.add("out " + out.name());
				}
			});
			if (!cluster.isEmpty()) {
				node.join(cluster.get(0).localNode()).join();
			}
			cluster.add(node);
		}
		for (PartisanNode node : cluster) {
			await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(node.members()).hasSizeBetween(2, 3));
		}
		return cluster;
	}

	private List<String> heardBy(PartisanNode node) {
		return this.heard.get(node.localNode().name());
	}

}
