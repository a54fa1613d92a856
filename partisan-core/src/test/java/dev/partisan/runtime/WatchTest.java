package dev.partisan.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.DownReason;
import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.api.Registration;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.runtime.FullMeshClusterTest.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A watch on a node fires once when it is detected down or leaves, whether or not it is a
 * direct neighbour.
 */
class WatchTest {

	private final TestNodes nodes = new TestNodes();

	private final List<String> fired = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aWatchedMemberThatCrashesFiresTheWatchOnceAsUnreachable() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = this.nodes.start("n2");
		n2.join(n1.localNode()).join();
		await().atMost(TestNodes.awaitLimit()).until(() -> n1.members().size() == 2);
		n1.watch(NodeId.of("n2"), (reason) -> this.fired.add("n2 " + reason));

		n2.faults().crash();

		await().atMost(TestNodes.awaitLimit()).until(() -> !this.fired.isEmpty());
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(n1)).containsExactly("n1"));
		assertThat(this.fired).containsExactly("n2 UNREACHABLE");
	}

	@Test
	void aWatchedMemberThatLeavesFiresTheWatchAsLeft() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = this.nodes.start("n2");
		n2.join(n1.localNode()).join();
		await().atMost(TestNodes.awaitLimit()).until(() -> n1.members().size() == 2);
		n1.watch(NodeId.of("n2"), (reason) -> this.fired.add("n2 " + reason));

		n2.leave().join();

		await().atMost(TestNodes.awaitLimit()).until(() -> !this.fired.isEmpty());
		assertThat(this.fired).containsExactly("n2 LEFT");
	}

	@Test
	void aRemovedWatchNeverFires() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = this.nodes.start("n2");
		PartisanNode n3 = this.nodes.start("n3");
		n2.join(n1.localNode()).join();
		n3.join(n1.localNode()).join();
		await().atMost(TestNodes.awaitLimit()).until(() -> n1.members().size() == 3);
		Registration watch = n1.watch(NodeId.of("n2"), (reason) -> this.fired.add("n2 " + reason));
		n1.watch(NodeId.of("n3"), (reason) -> this.fired.add("n3 " + reason));
		watch.remove();

		n2.faults().crash();
		n3.faults().crash();

		await().atMost(TestNodes.awaitLimit()).until(() -> !this.fired.isEmpty());
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(n1)).containsExactly("n1"));
		assertThat(this.fired).containsExactly("n3 UNREACHABLE");
	}

	@Test
	void watchingANodeAlreadyKnownDownOrUnknownFiresAtOnce() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = this.nodes.start("n2");
		n2.join(n1.localNode()).join();
		await().atMost(TestNodes.awaitLimit()).until(() -> n1.members().size() == 2);
		n2.leave().join();
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(n1)).containsExactly("n1"));

		n1.watch(NodeId.of("n2"), (reason) -> this.fired.add("n2 " + reason));
		n1.watch(NodeId.of("nobody"), (reason) -> this.fired.add("nobody " + reason));

		await().atMost(TestNodes.awaitLimit()).until(() -> this.fired.size() == 2);
		assertThat(this.fired).containsExactly("n2 LEFT", "nobody UNREACHABLE");
	}

	@Test
	void aNodeCannotWatchItself() {
		PartisanNode n1 = this.nodes.start("n1");
		assertThatThrownBy(() -> n1.watch(NodeId.of("n1"), (reason) -> {
		})).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void aClientWatchesAnotherClientThroughTheServer() {
		PartisanNode server = this.nodes.start("s1", (b) -> b.overlay("client-server").tag("server"));
		PartisanNode c1 = this.nodes.start("c1", (b) -> b.overlay("client-server").tag("client"));
		PartisanNode c2 = this.nodes.start("c2", (b) -> b.overlay("client-server").tag("client"));
		c2.registerRequestHandler("echo", String.class, (text, meta) -> text);
		c1.join(server.localNode()).join();
		c2.join(server.localNode()).join();
		// c1 reaches c2 once it has heard of it from the server
		await().atMost(TestNodes.awaitLimit())
			.ignoreExceptions()
			.until(() -> c1
				.call(NodeId.of("c2"), "echo", "hi", String.class, ForwardOptions.defaults(),
						java.time.Duration.ofSeconds(5))
				.join()
				.equals("hi"));
		assertThat(names(c1)).doesNotContain("c2");
		c1.watch(NodeId.of("c2"), (reason) -> this.fired.add("c2 " + reason));

		c2.faults().crash();

		await().atMost(TestNodes.awaitLimit()).until(() -> !this.fired.isEmpty());
		assertThat(this.fired).containsExactly("c2 UNREACHABLE");
	}

	@Test
	void aClientWatchesAnotherClientThatLeavesThroughTheServerAsLeft() {
		PartisanNode server = this.nodes.start("s1", (b) -> b.overlay("client-server").tag("server"));
		PartisanNode c1 = this.nodes.start("c1", (b) -> b.overlay("client-server").tag("client"));
		PartisanNode c2 = this.nodes.start("c2", (b) -> b.overlay("client-server").tag("client"));
		c1.join(server.localNode()).join();
		c2.join(server.localNode()).join();
		await().atMost(TestNodes.awaitLimit()).until(() -> server.members().size() == 3);
		assertThat(names(c1)).doesNotContain("c2");
		c1.watch(NodeId.of("c2"), (reason) -> this.fired.add("c2 " + reason));

		c2.leave().join();

		await().atMost(TestNodes.awaitLimit()).until(() -> !this.fired.isEmpty());
		// Past the failure timeout: the watch fired once, and not again as unreachable.
		await().during(java.time.Duration.ofSeconds(2))
			.atMost(java.time.Duration.ofSeconds(4))
			.untilAsserted(() -> assertThat(this.fired).containsExactly("c2 LEFT"));
	}

	@Test
	void onPeerToPeerAPeerOutsideTheActiveViewIsWatchedThroughTheOverlayAsItCrashesOrLeaves() {
		// Views of two among five nodes, shuffled rarely: some pairs are not neighbours
		// for
		// the whole test; routes are announced every second, so each node reaches all.
		HyParViewOverlay.Settings settings = new HyParViewOverlay.Settings(2, 10, 3, 1,
				java.time.Duration.ofSeconds(60), 1, 3, java.time.Duration.ofSeconds(1));
		List<PartisanNode> cluster = new java.util.ArrayList<>();
		for (int i = 1; i <= 5; i++) {
			PartisanNode node = this.nodes.start("n" + i, (b) -> b.overlay("peer-to-peer").hyParView(settings));
			if (i > 1) {
				node.join(cluster.get(0).localNode()).join();
			}
			cluster.add(node);
		}
		PartisanNode watcher = cluster.get(0);
		List<PartisanNode> strangers = cluster.stream()
			.filter((node) -> node != watcher && !names(watcher).contains(node.localNode().name()))
			.toList();
		assertThat(strangers).as("two of four are outside an active view of two").hasSizeGreaterThanOrEqualTo(2);
		PartisanNode crashes = strangers.get(0);
		PartisanNode leaves = strangers.get(1);
		// Reached through the overlay once routes to them are known.
		for (PartisanNode target : List.of(crashes, leaves)) {
			String name = target.localNode().name();
			target.registerRequestHandler("echo", String.class, (text, meta) -> text);
			await().atMost(TestNodes.awaitLimit())
				.ignoreExceptions()
				.until(() -> watcher
					.call(NodeId.of(name), "echo", "hi", String.class, ForwardOptions.defaults(),
							java.time.Duration.ofSeconds(2))
					.join()
					.equals("hi"));
			watcher.watch(NodeId.of(name), (reason) -> this.fired.add(name + " " + reason));
		}
		assertThat(names(watcher)).as("still outside the active view")
			.doesNotContain(crashes.localNode().name(), leaves.localNode().name());

		crashes.faults().crash();
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(this.fired).containsExactly(crashes.localNode().name() + " UNREACHABLE"));
		leaves.leave().join();
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(this.fired).containsExactly(crashes.localNode().name() + " UNREACHABLE",
					leaves.localNode().name() + " LEFT"));
	}

}
