package dev.partisan.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes of a four-node cluster shut down gracefully at the same moment, each the way
 * the Spring Boot lifecycle stops a node on SIGTERM (leave when the overlay asks for it,
 * waiting at most 5 s, then close): every node that had them up reports both
 * {@code LEFT}, and neither later as {@code UNREACHABLE}. Full-mesh has the same test in
 * {@link FullMeshClusterTest}.
 */
class GracefulShutdownTest {

	/** Active views of four: every node is every other's neighbour. */
	private static final HyParViewOverlay.Settings ALL_NEIGHBOURS = new HyParViewOverlay.Settings(4, 10, 3, 1,
			Duration.ofMillis(200), 2, 3, Duration.ofSeconds(1));

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void twoPeerToPeerNodesShuttingDownTogetherAreBothReportedLeft() {
		List<PartisanNode> cluster = new ArrayList<>();
		for (int i = 1; i <= 4; i++) {
			PartisanNode node = this.nodes.start("n" + i, (b) -> b.overlay("peer-to-peer").hyParView(ALL_NEIGHBOURS));
			if (i > 1) {
				node.join(cluster.get(0).localNode()).join();
			}
			cluster.add(node);
		}
		awaitMembers(cluster, 4);
		List<List<String>> downs = cluster.subList(0, 2).stream().map(FullMeshClusterTest::downsSeenBy).toList();

		shutDownTogether(cluster.get(2), cluster.get(3));

		for (List<String> seen : downs) {
			assertOnlyEver(seen, "n3 LEFT", "n4 LEFT");
		}
	}

	@Test
	void aClientAndAServerShuttingDownTogetherAreBothReportedLeft() {
		PartisanNode s1 = this.nodes.start("s1", (b) -> b.overlay("client-server").tag("server"));
		PartisanNode s2 = this.nodes.start("s2", (b) -> b.overlay("client-server").tag("server"));
		s2.join(s1.localNode()).join();
		PartisanNode c1 = this.nodes.start("c1", (b) -> b.overlay("client-server").tag("client"));
		c1.join(s1.localNode()).join();
		PartisanNode c2 = this.nodes.start("c2", (b) -> b.overlay("client-server").tag("client"));
		c2.join(s2.localNode()).join();
		awaitMembers(List.of(s1, s2), 4);
		awaitMembers(List.of(c1, c2), 3);
		Map<String, List<String>> downs = Map.of("s1", FullMeshClusterTest.downsSeenBy(s1), "c1",
				FullMeshClusterTest.downsSeenBy(c1));

		shutDownTogether(s2, c2);

		assertOnlyEver(downs.get("s1"), "s2 LEFT", "c2 LEFT");
		// A client never had the other client up: it hears only of the server.
		assertOnlyEver(downs.get("c1"), "s2 LEFT");
	}

	/** Both at once, on two threads, as two SIGTERMs would. */
	private static void shutDownTogether(PartisanNode first, PartisanNode second) {
		CompletableFuture<Void> one = CompletableFuture.runAsync(() -> shutDownGracefully(first));
		CompletableFuture<Void> two = CompletableFuture.runAsync(() -> shutDownGracefully(second));
		CompletableFuture.allOf(one, two).orTimeout(15, TimeUnit.SECONDS).join();
	}

	/** What PartisanLifecycle.stop() does. */
	private static void shutDownGracefully(PartisanNode node) {
		if (node.leavesOnShutdown()) {
			try {
				node.leave().get(5, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException(node.localNode().name() + " did not leave within 5 s", ex);
			}
		}
		node.close();
	}

	/**
	 * What {@code seen} says of the nodes named in {@code expected} becomes
	 * {@code expected}, and stays so past the failure timeout. (The staying nodes are not
	 * asserted on: on a loaded machine they may see each other blip.)
	 */
	private static void assertOnlyEver(List<String> seen, String... expected) {
		List<String> leavers = Arrays.stream(expected).map((line) -> line.split(" ")[0]).toList();
		Supplier<List<String>> aboutLeavers = () -> seen.stream()
			.filter((line) -> leavers.contains(line.split(" ")[0]))
			.toList();
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(aboutLeavers.get()).hasSize(expected.length));
		await().during(Duration.ofMillis(1500))
			.atMost(Duration.ofSeconds(3))
			.untilAsserted(() -> assertThat(aboutLeavers.get()).containsExactlyInAnyOrder(expected));
	}

	private static void awaitMembers(List<PartisanNode> nodes, int size) {
		for (PartisanNode node : nodes) {
			await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(node.members()).hasSize(size));
		}
	}

}
