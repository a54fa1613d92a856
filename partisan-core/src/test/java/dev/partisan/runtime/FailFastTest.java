package dev.partisan.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.CallTimeoutException;
import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeDownException;
import dev.partisan.api.NodeId;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.partisan.runtime.FullMeshClusterTest.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Calls and sends to a node known to be down fail at once with NodeDownException, unless
 * failing fast is turned off.
 */
class FailFastTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aCallToANodeKnownDownFailsAtOnceInsteadOfWaitingForItsTimeout() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = crashedAfterJoining(n1);

		CompletableFuture<String> reply = n1.call(n2.localNode().id(), "echo", "hello", String.class,
				ForwardOptions.defaults(), Duration.ofMinutes(5));

		assertThat(reply).as("failed before call() returned").isCompletedExceptionally();
		assertThatThrownBy(reply::join).hasCauseInstanceOf(NodeDownException.class)
			.hasMessageContaining("Node 'n2' is down (unreachable)")
			.hasMessageContaining("handler 'echo'");
	}

	@Test
	void aSendToANodeKnownDownThrowsNodeDownException() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = crashedAfterJoining(n1);

		assertThatThrownBy(() -> n1.forward(n2.localNode().id(), "inbox", "lost")).isInstanceOf(NodeDownException.class)
			.hasMessageContaining("partisan.fail-fast-to-down-nodes");
	}

	@Test
	void aNodeThatLeftIsDownAsLeft() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = this.nodes.start("n2");
		n2.join(n1.localNode()).join();
		await().atMost(TestNodes.awaitLimit()).until(() -> n1.members().size() == 2);
		n2.leave().join();
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(n1)).containsExactly("n1"));

		assertThatThrownBy(() -> n1.forward(NodeId.of("n2"), "inbox", "lost")).isInstanceOf(NodeDownException.class)
			.hasMessageContaining("is down (left)");
	}

	@Test
	void withFailingFastOffACallToANodeKnownDownWaitsForItsTimeout() {
		PartisanNode n1 = this.nodes.start("n1", (b) -> b.failFastToDownNodes(false));
		PartisanNode n2 = crashedAfterJoining(n1);

		CompletableFuture<String> reply = n1.call(n2.localNode().id(), "echo", "hello", String.class,
				ForwardOptions.defaults(), Duration.ofMillis(300));

		assertThatThrownBy(reply::join).hasCauseInstanceOf(CallTimeoutException.class);
	}

	@Test
	void aNodeThatComesBackUpIsCalledAgain() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = this.nodes.start("n2");
		n2.registerRequestHandler("echo", String.class, (text, meta) -> "echo " + text);
		n2.join(n1.localNode()).join();
		n2.faults().isolateFrom(java.util.List.of(n1.localNode().id()));
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(n1)).containsExactly("n1"));
		assertThatThrownBy(() -> n1.forward(NodeId.of("n2"), "inbox", "lost")).isInstanceOf(NodeDownException.class);

		n2.faults().remove(dev.partisan.interpose.FaultInjector.PARTITION);
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(names(n1)).containsExactlyInAnyOrder("n1", "n2"));
		assertThat(n1
			.call(NodeId.of("n2"), "echo", "again", String.class, ForwardOptions.defaults(), Duration.ofSeconds(10))
			.join()).isEqualTo("echo again");
	}

	private PartisanNode crashedAfterJoining(PartisanNode seed) {
		PartisanNode node = this.nodes.start("n2");
		node.registerRequestHandler("echo", String.class, (text, meta) -> "echo " + text);
		node.join(seed.localNode()).join();
		await().atMost(TestNodes.awaitLimit()).until(() -> seed.members().size() == 2);
		node.faults().crash();
		await().atMost(TestNodes.awaitLimit()).untilAsserted(() -> assertThat(names(seed)).containsExactly("n1"));
		return node;
	}

}
