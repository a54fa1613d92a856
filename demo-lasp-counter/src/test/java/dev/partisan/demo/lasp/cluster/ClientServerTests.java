package dev.partisan.demo.lasp.cluster;

import java.util.List;

import dev.partisan.interpose.FaultInjector;
import dev.partisan.runtime.PartisanNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The scenarios on the client-server overlay, and what a client going away must not do:
 * lose views or count them twice, whether it is cut off from the servers or stopped and
 * started again.
 */
class ClientServerTests extends AdCounterScenarios {

	@Override
	String overlay() {
		return "client-server";
	}

	@Test
	void clientsReachOnlyTheServers() {
		for (String client : TestCluster.CLIENTS) {
			assertThat(this.cluster.bean(client, dev.partisan.demo.lasp.sync.StateSync.class).neighbours())
				.extracting((node) -> node.name())
				.containsExactlyInAnyOrder("s1", "s2");
		}
	}

	@Test
	void aPartitionedClientLosesNothingAndCountsNothingTwice() throws Exception {
		FaultInjector c1 = this.cluster.bean("c1", PartisanNode.class).faults();
		// Application messages only, both ways: membership and heartbeats still pass, so
		// nobody is "down" —
		// the state simply does not arrive, as on a lossy mobile link.
		c1.omit("cut-off", null, (event) -> event.isApplication(), 1.0, Long.MAX_VALUE);
		try {
			for (int i = 0; i < 5; i++) {
				assertThat(this.cluster.view("c1", "ad-3").status()).isEqualTo(200);
				assertThat(this.cluster.view("c2", "ad-3").status()).isEqualTo(200);
			}
			await().atMost(LIMIT).untilAsserted(() -> {
				for (String node : List.of("s1", "s2", "c2", "c3")) {
					assertThat(this.cluster.total(node, "ad-3")).as(node).isEqualTo(5);
				}
			});
			// Ten more sync rounds: c1's views are still on c1 alone, and c2's have not
			// reached it.
			Thread.sleep(1000);
			assertThat(this.cluster.total("s1", "ad-3")).isEqualTo(5);
			assertThat(this.cluster.total("c1", "ad-3")).isEqualTo(5);
			assertThat(c1.dropped()).isPositive();
		}
		finally {
			c1.remove("cut-off");
		}
		awaitTotalEverywhere("ad-3", 10);
		// The same states keep arriving every round; merging them again changes nothing.
		Thread.sleep(500);
		for (String node : this.cluster.names()) {
			assertThat(this.cluster.total(node, "ad-3")).as(node).isEqualTo(10);
		}
	}

	@Test
	void aRestartedClientLosesNothingAndCountsNothingTwice() {
		String before = this.cluster.replica("c3").replicaId();
		for (int i = 0; i < 6; i++) {
			assertThat(this.cluster.view("c3", "ad-4").status()).isEqualTo(200);
		}
		// Stopped at once, before a sync round need have run: its last state goes out as
		// it stops.
		this.cluster.stop("c3");
		assertThat(this.cluster.total("s1", "ad-4")).isEqualTo(6);
		assertThat(this.cluster.total("s2", "ad-4")).isEqualTo(6);

		this.cluster.start("c3");
		String after = this.cluster.replica("c3").replicaId();
		assertThat(after).startsWith("c3#").isNotEqualTo(before);
		await().atMost(LIMIT).untilAsserted(() -> assertThat(this.cluster.total("c3", "ad-4")).isEqualTo(6));
		for (int i = 0; i < 4; i++) {
			assertThat(this.cluster.view("c3", "ad-4").status()).isEqualTo(200);
		}
		awaitTotalEverywhere("ad-4", 10);
		assertThat(this.cluster.replica("s2").get("ad-4").orElseThrow().views().counts()).containsEntry(before, 6L)
			.containsEntry(after, 4L);
	}

}
