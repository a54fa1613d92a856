package dev.partisan.runtime;

import java.util.List;

import dev.partisan.interpose.FaultInjector;
import dev.partisan.interpose.Partition;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.runtime.FullMeshClusterTest.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A network partition on full-mesh: each side sees the other down, and after healing all
 * converge.
 */
class PartitionTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aPartitionedNodeSeesTheOthersDownAndRejoinsWhenHealed() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = this.nodes.start("n2");
		PartisanNode n3 = this.nodes.start("n3");
		n2.join(n1.localNode()).join();
		n3.join(n2.localNode()).join();
		List<PartisanNode> all = List.of(n1, n2, n3);
		all.forEach((n) -> await().atMost(TestNodes.awaitLimit()).until(() -> n.members().size() == 3));

		FaultInjector.partition(List.of(n1.faults()), List.of(n2.faults(), n3.faults()));
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> {
			assertThat(names(n1)).containsExactly("n1");
			assertThat(names(n2)).containsExactlyInAnyOrder("n2", "n3");
			assertThat(names(n3)).containsExactlyInAnyOrder("n2", "n3");
		});
		assertThat(n1.faults().dropped()).isPositive();

		FaultInjector.heal(List.of(n1.faults(), n2.faults(), n3.faults()));
		all.forEach((n) -> await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(names(n)).containsExactlyInAnyOrder("n1", "n2", "n3")));
	}

	@Test
	void partitionsAreListedOnEveryNodeInThemAndHealOneByOneByHandleOrId() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = this.nodes.start("n2");
		PartisanNode n3 = this.nodes.start("n3");
		n2.join(n1.localNode()).join();
		n3.join(n1.localNode()).join();
		List<PartisanNode> all = List.of(n1, n2, n3);
		all.forEach((n) -> await().atMost(TestNodes.awaitLimit()).until(() -> n.members().size() == 3));

		Partition first = FaultInjector.partition(List.of(n1.faults()), List.of(n2.faults()));
		Partition second = FaultInjector.partition(List.of(n1.faults()), List.of(n3.faults()));
		assertThat(first.sideA()).containsExactly(n1.localNode().id());
		assertThat(first.sideB()).containsExactly(n2.localNode().id());
		assertThat(n1.faults().partitions()).containsExactly(first, second);
		assertThat(n2.faults().partitions()).containsExactly(first);
		assertThat(n3.faults().partitions()).containsExactly(second);
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(n1)).containsExactly("n1"));

		n2.faults().heal(first);
		assertThat(n1.faults().partitions()).containsExactly(second);
		assertThat(n2.faults().partitions()).isEmpty();
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(names(n1)).containsExactlyInAnyOrder("n1", "n2"));

		assertThat(n3.faults().heal(second.id())).isTrue();
		assertThat(n3.faults().heal(second.id())).isFalse();
		assertThat(n1.faults().partitions()).isEmpty();
		all.forEach((n) -> await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(names(n)).containsExactlyInAnyOrder("n1", "n2", "n3")));
	}

}
