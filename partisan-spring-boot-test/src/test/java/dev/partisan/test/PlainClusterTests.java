package dev.partisan.test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.partisan.api.DownReason;
import dev.partisan.api.NodeId;
import dev.partisan.interpose.Partition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A cluster of plain runtimes: handlers registered before each start joins, partitions,
 * crash and restart, and what a failed wait says.
 */
class PlainClusterTests {

	private final Map<String, List<String>> inboxes = new ConcurrentHashMap<>();

	@RegisterExtension
	PartisanCluster cluster = PartisanCluster.plain().nodes(3).onStart((node) -> {
		List<String> inbox = new CopyOnWriteArrayList<>();
		this.inboxes.put(node.name(), inbox);
		node.partisan().register("inbox", String.class, (message, meta) -> inbox.add(message));
	}).build();

	@Test
	void aPartitionSplitsTheMembershipAndItsHealJoinsItAgain() {
		Partition partition = this.cluster.partition(List.of("n1"), List.of("n2", "n3"));
		assertThat(this.cluster.await().memberDown("n2", "n1").reason()).isEqualTo(DownReason.UNREACHABLE);
		this.cluster.await().members("n1");
		this.cluster.await().members("n3", "n2");

		partition.heal();
		this.cluster.await().membership();
		this.cluster.node("n1").partisan().forward(NodeId.of("n2"), "inbox", "hello");
		this.cluster.await().until("n2 to receive 'hello'", () -> this.inboxes.get("n2").contains("hello"));
	}

	@Test
	void aRestartedNodeIsSetUpAgainBeforeItJoins() {
		this.cluster.crash("n3");
		this.cluster.await().members("n1", "n2");
		this.cluster.restart("n3");
		this.cluster.await().membership();
		this.cluster.node("n1").partisan().forward(NodeId.of("n3"), "inbox", "welcome back");
		this.cluster.await()
			.until("n3 to receive 'welcome back'", () -> this.inboxes.get("n3").contains("welcome back"));
		assertThat(this.inboxes.get("n3")).containsExactly("welcome back");
	}

	@Test
	void aWaitThatFailsSaysWhatWasExpectedAndWhatEachNodeSaw() {
		this.cluster.crash("n3");
		this.cluster.await().members("n1", "n2");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.cluster.await(Duration.ofMillis(200)).members("n1", "n3"))
			.withMessageContaining("Expected n1 to see exactly [n1, n3] within PT0.2S")
			.withMessageContaining("n1=[n1, n2], n2=[n1, n2], n3 crashed");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.cluster.await(Duration.ofMillis(200)).memberUp("n1", "n3"))
			.withMessageContaining("Expected n1 to see n3 up")
			.withMessageContaining("down n3 UNREACHABLE");
	}

}
