package dev.partisan.runtime;

import java.time.Duration;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.NodeNameConflictException;
import dev.partisan.testing.FreePorts;
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

	@Test
	void aSecondNodeWithTheNameOfALiveFullMeshMemberAtAnotherAddressIsRefusedAndTheMemberIsUntouched() {
		assertTakenNameRefused("full-mesh");
	}

	@Test
	void aSecondNodeWithTheNameOfALivePeerToPeerNeighbourAtAnotherAddressIsRefusedAndTheNeighbourIsUntouched() {
		assertTakenNameRefused("peer-to-peer");
	}

	@Test
	void aNodeRestartedAtItsOwnAddressJoinsAgainWhileTheOthersStillHaveItsOldSelfUp() {
		PartisanNode n1 = this.nodes.start("n1");
		int port = FreePorts.next();
		PartisanNode first = this.nodes.start("x", (b) -> b.port(port));
		first.join(n1.localNode()).join();
		await().atMost(TestNodes.awaitLimit()).until(() -> n1.members().contains(first.localNode()));

		first.close();
		PartisanNode restarted = this.nodes.start("x", (b) -> b.port(port));
		restarted.join(n1.localNode()).join();

		assertThat(restarted.incarnation()).isGreaterThan(first.incarnation());
		await().atMost(TestNodes.awaitLimit())
			.untilAsserted(() -> assertThat(restarted.members()).extracting(Node::name).contains("n1"));
		assertThat(n1.members()).contains(restarted.localNode());
	}

	/**
	 * {@code x} is a member of n1's cluster; a second {@code x}, at another port, tries
	 * to join through n1 twice: both joins fail naming both addresses, n1 warns once, and
	 * the first {@code x} stays up at n1 and reachable.
	 */
	private void assertTakenNameRefused(String overlay) {
		try (LogCapture acceptorLog = new LogCapture("dev.partisan.transport.InboundHandler")) {
			PartisanNode n1 = this.nodes.start("n1", (b) -> b.overlay(overlay));
			PartisanNode first = this.nodes.start("x", (b) -> b.overlay(overlay));
			first.join(n1.localNode()).join();
			await().atMost(TestNodes.awaitLimit()).until(() -> n1.members().contains(first.localNode()));
			PartisanNode second = this.nodes.start("x", (b) -> b.overlay(overlay));

			for (int attempt = 0; attempt < 2; attempt++) {
				assertThatThrownBy(() -> second.join(n1.localNode()).join()).cause()
					.isInstanceOfSatisfying(NodeNameConflictException.class,
							(conflict) -> assertThat(conflict.found()).isEqualTo("x"))
					.hasMessageContaining("taken by a live member at " + first.localNode().address())
					.hasMessageContaining("this node is at " + second.localNode().address());
			}

			assertThat(acceptorLog.messages()).filteredOn((line) -> line.contains("is taken by the live member at"))
				.hasSize(1)
				.allMatch((line) -> line.contains(first.localNode().address())
						&& line.contains(second.localNode().address()));
			assertThat(n1.members()).contains(first.localNode());
			assertThat(first.members()).extracting(Node::name).contains("n1");
			assertThat(second.members()).extracting(Node::name).containsExactly("x");
			String answer = n1
				.call(NodeId.of("x"), Watches.PROBE, "probe", String.class, ForwardOptions.defaults(),
						Duration.ofSeconds(5))
				.join();
			assertThat(answer).isEqualTo("up");
		}
	}

}
