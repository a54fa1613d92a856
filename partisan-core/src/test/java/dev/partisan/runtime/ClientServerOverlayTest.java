package dev.partisan.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.LaneStats;
import dev.partisan.api.NodeId;
import dev.partisan.testing.TestNodes;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.runtime.FullMeshClusterTest.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Client-server: clients connect only to servers, reach each other through one, and
 * survive losing one.
 */
class ClientServerOverlayTest {

	private final TestNodes nodes = new TestNodes();

	private final Map<String, List<String>> inboxes = new ConcurrentHashMap<>();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void twoServersAndEightClients() {
		PartisanNode s1 = start("s1", "server");
		PartisanNode s2 = start("s2", "server");
		s2.join(s1.localNode()).join();
		List<PartisanNode> clients = new ArrayList<>();
		for (int i = 1; i <= 8; i++) {
			PartisanNode client = start("c" + i, "client");
			client.join(((i % 2 == 0) ? s2 : s1).localNode()).join();
			clients.add(client);
		}
		for (PartisanNode client : clients) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(names(client)).containsExactlyInAnyOrder(client.localNode().name(),
						"s1", "s2"));
		}
		for (PartisanNode server : List.of(s1, s2)) {
			await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(server.members()).hasSize(10));
		}
		for (PartisanNode client : clients) {
			assertThat(client.connectionTable()).extracting((LaneStats row) -> row.peer().name())
				.as("peers in %s's connection table", client.localNode().name())
				.allMatch((peer) -> peer.startsWith("s"));
		}

		PartisanNode c1 = clients.get(0);
		c1.forward(NodeId.of("c8"), "inbox", "hello from c1", ForwardOptions.defaults());
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(this.inboxes.get("c8")).contains("hello from c1"));
		String echoed = c1
			.call(NodeId.of("c7"), "echo", "ping", String.class, ForwardOptions.defaults(), Duration.ofSeconds(10))
			.join();
		assertThat(echoed).isEqualTo("c7 got ping from c1");

		s1.close();
		PartisanNode c3 = clients.get(2);
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(names(c3)).containsExactlyInAnyOrder("c3", "s2"));
		c3.forward(NodeId.of("c6"), "inbox", "still here", ForwardOptions.defaults().ack(true));
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(this.inboxes.get("c6")).contains("still here"));
		assertThat(c3.connectionTable()).extracting((LaneStats row) -> row.peer().name())
			.allMatch((peer) -> peer.startsWith("s"));
	}

	@Test
	void withAClusterSecretClientsStillReachEachOtherThroughASignedRelay() {
		PartisanNode server = start("s1", "server", "shared secret");
		PartisanNode c1 = start("c1", "client", "shared secret");
		PartisanNode c2 = start("c2", "client", "shared secret");
		c1.join(server.localNode()).join();
		c2.join(server.localNode()).join();
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(server.members()).hasSize(3));

		// c1 may hear of c2 from the server a moment after the server knows it: until
		// then
		// it has no route, and the call fails at once.
		await().atMost(TestNodes.awaitLimit())
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(c1
				.call(NodeId.of("c2"), "echo", "ping", String.class, ForwardOptions.defaults(), Duration.ofSeconds(10))
				.join()).as("c2 believed c1's signature, and c1 c2's on the reply").isEqualTo("c2 got ping from c1"));
	}

	@Test
	void aNodeWithoutAClientOrServerTagIsRefused() {
		assertThatThrownBy(() -> this.nodes.start("untagged", (b) -> b.overlay("client-server")))
			.hasMessageContaining("needs every node tagged 'client' or 'server'");
	}

	/** A short gossip interval, so that "several gossip periods" pass quickly. */
	private static final Duration GOSSIP = Duration.ofMillis(50);

	@Test
	void aClientRemovedByAnotherClientRightAfterJoiningIsToldThroughItsServerAndStaysOut() {
		PartisanNode server = startFast("s1", "server");
		PartisanNode c1 = startFast("c1", "client");
		PartisanNode c2 = startFast("c2", "client");
		c1.join(server.localNode()).join();
		List<String> downsOnC2 = FullMeshClusterTest.downsSeenBy(c2);
		List<String> downsOnServer = FullMeshClusterTest.downsSeenBy(server);
		c2.join(server.localNode()).join();

		// As soon as c1 has heard of c2 (from the server) it removes it.
		await().pollInterval(Duration.ofMillis(1))
			.atMost(TestNodes.awaitLimit())
			.ignoreExceptions()
			.until(() -> c1.leave(c2.localNode().id()).handle((ok, ex) -> ex == null).join());

		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(downsOnC2).as("c2 was told, not left to detect silence")
				.containsExactly("s1 LEFT"));
		assertThat(names(c2)).containsExactly("c2");
		assertHeldOut(List.of(server, c1), c2);
		assertThat(downsOnServer).containsExactly("c2 LEFT");
		assertThat(downsOnC2).containsExactly("s1 LEFT");

		c2.join(server.localNode()).join();
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(names(server)).containsExactlyInAnyOrder("s1", "c1", "c2"));
	}

	@Test
	void aClientRemovedByAServerIsToldAndStaysOut() {
		PartisanNode server = startFast("s1", "server");
		PartisanNode c1 = startFast("c1", "client");
		c1.join(server.localNode()).join();
		List<String> downsOnC1 = FullMeshClusterTest.downsSeenBy(c1);

		server.leave(c1.localNode().id()).join();

		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(downsOnC1).containsExactly("s1 LEFT"));
		assertHeldOut(List.of(server), c1);
	}

	@Test
	void aClientThatLeavesStaysOutAndRejoins() {
		PartisanNode s1 = startFast("s1", "server");
		PartisanNode s2 = startFast("s2", "server");
		s2.join(s1.localNode()).join();
		PartisanNode c1 = startFast("c1", "client");
		c1.join(s2.localNode()).join();
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(names(s1)).containsExactlyInAnyOrder("s1", "s2", "c1"));
		List<String> downsOnS1 = FullMeshClusterTest.downsSeenBy(s1);

		c1.leave().join();

		assertHeldOut(List.of(s1, s2), c1);
		assertThat(downsOnS1).containsExactly("c1 LEFT");
		c1.join(s1.localNode()).join();
		for (PartisanNode server : List.of(s1, s2)) {
			await().atMost(TestNodes.awaitLimit())
				.untilAsserted(() -> assertThat(names(server)).containsExactlyInAnyOrder("s1", "s2", "c1"));
		}
	}

	/**
	 * No node of {@code others} has {@code out} up, {@code out} has no one, and so it
	 * stays for six gossip periods.
	 */
	private static void assertHeldOut(List<PartisanNode> others, PartisanNode out) {
		String name = out.localNode().name();
		for (PartisanNode node : others) {
			await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(node)).doesNotContain(name));
		}
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(out)).containsExactly(name));
		await().pollInterval(Duration.ofMillis(10))
			.during(GOSSIP.multipliedBy(6))
			.atMost(GOSSIP.multipliedBy(18))
			.untilAsserted(() -> {
				for (PartisanNode node : others) {
					assertThat(names(node)).as("%s still out on %s", name, node.localNode().name())
						.doesNotContain(name);
				}
				assertThat(names(out)).as("%s still on its own", name).containsExactly(name);
			});
	}

	private PartisanNode startFast(String name, String tag) {
		return this.nodes.start(name, (b) -> b.overlay("client-server").tag(tag).gossipInterval(GOSSIP));
	}

	private PartisanNode start(String name, String tag) {
		return start(name, tag, null);
	}

	private PartisanNode start(String name, String tag, @Nullable String secret) {
		PartisanNode node = this.nodes.start(name, (b) -> b.overlay("client-server").tag(tag).clusterSecret(secret));
		List<String> inbox = new CopyOnWriteArrayList<>();
		this.inboxes.put(name, inbox);
		node.register("inbox", String.class, (text, meta) -> inbox.add(text));
		node.registerRequestHandler("echo", String.class,
				(text, meta) -> name + " got " + text + " from " + meta.sender());
		return node;
	}

}
