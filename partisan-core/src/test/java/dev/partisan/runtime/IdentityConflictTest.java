package dev.partisan.runtime;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.NodeNameConflictException;
import dev.partisan.testing.LogCapture;
import dev.partisan.testing.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Identity conflicts are errors: a seed answering to another name, and another node with
 * this node's name, fail the join with both names.
 */
class IdentityConflictTest {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void stop() {
		this.nodes.close();
	}

	@Test
	void aSeedWhoseNodeAnswersWithAnotherNameFailsTheJoinNamingBoth() {
		PartisanNode n1 = this.nodes.start("n1");
		PartisanNode n2 = this.nodes.start("n2");
		Node wrong = new Node(NodeId.of("expected-name"), "127.0.0.1", n1.localNode().port(), null);

		assertThatThrownBy(() -> n2.join(wrong).join()).cause()
			.isInstanceOfSatisfying(NodeNameConflictException.class, (conflict) -> {
				assertThat(conflict.expected()).isEqualTo("expected-name");
				assertThat(conflict.found()).isEqualTo("n1");
			})
			.hasMessageContaining("name expected: 'expected-name', name found: 'n1'");
	}

	@Test
	void joiningAnotherNodeWithThisNodesNameFailsOnBothSides() {
		try (LogCapture acceptorLog = new LogCapture("dev.partisan.transport.InboundHandler")) {
			PartisanNode first = this.nodes.start("dup");
			PartisanNode second = this.nodes.start("dup");

			assertThatThrownBy(() -> second.join(first.localNode()).join()).cause()
				.isInstanceOf(NodeNameConflictException.class)
				.hasMessageContaining("is another node named 'dup', like this node");
			assertThatThrownBy(() -> second.joinAddress("127.0.0.1", first.localNode().port()).join()).cause()
				.isInstanceOf(NodeNameConflictException.class);

			await().atMost(TestNodes.awaitLimit())
				.until(() -> acceptorLog.contains("node names must be unique in a cluster"));
			assertThat(first.members()).extracting(Node::name).containsExactly("dup");
		}
	}

}
