package dev.partisan.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may ask a full-mesh node what: node {@code a}'s overlay, driven message by message
 * through a fake context, with {@code b} and {@code c} as members and {@code x} a node
 * that is not one.
 */
class FullMeshAuthorizationTest {

	private static final Node A = Node.of("a", "localhost", 10100);

	private static final Node B = Node.of("b", "localhost", 10101);

	private static final Node C = Node.of("c", "localhost", 10102);

	private static final Node X = Node.of("x", "localhost", 10199);

	private final FakeOverlayContext context = new FakeOverlayContext(A);

	private final FullMeshOverlay overlay = new FullMeshOverlay(Duration.ofSeconds(10));

	private final LogCapture log = new LogCapture(FullMeshOverlay.class);

	FullMeshAuthorizationTest() {
		this.overlay.start(this.context);
		// b and c join through a, each introducing itself.
		this.overlay.onControlMessage(B.id(), gossip(alive(B, 1)));
		this.overlay.onControlMessage(C.id(), gossip(alive(C, 1)));
		this.context.sent.clear();
	}

	@AfterEach
	void stopCapturing() {
		this.log.close();
	}

	@Test
	void aLeaveRequestFromANodeThatIsNotAMemberIsIgnoredAndTheNodeStays() {
		this.overlay.onControlMessage(X.id(), new FullMeshOverlay.LeaveRequest("go away"));

		assertThat(this.overlay.members()).containsExactlyInAnyOrder(A, B, C);
		assertThat(this.context.sent).isEmpty();
		assertThat(this.log.contains("ignored a request to leave the cluster from x, which is not a member")).isTrue();
	}

	@Test
	void aLeaveRequestFromAMemberMakesTheNodeLeave() {
		this.overlay.onControlMessage(B.id(), new FullMeshOverlay.LeaveRequest("removed by b"));

		assertThat(this.overlay.members()).containsExactly(A);
		assertThat(this.context.sentTo(C.id())).singleElement()
			.satisfies((farewell) -> assertThat(entryOf(farewell, A).removed()).isTrue());
		assertThat(this.log.contains("leaves the cluster at the request of member b")).isTrue();
	}

	@Test
	void aMemberStillRemovesAnotherThroughTheApi() {
		this.overlay.leave(C.id());

		assertThat(this.overlay.members()).containsExactlyInAnyOrder(A, B);
		assertThat(this.context.sentTo(C.id())).first().isInstanceOf(FullMeshOverlay.LeaveRequest.class);
		assertThat(this.context.sentTo(B.id())).singleElement()
			.satisfies((gossip) -> assertThat(entryOf(gossip, C).removed()).isTrue());
	}

	@Test
	void aRemovalGossipedByAMemberIsTakenAsTheCrdtSpreadsIt() {
		this.overlay.onControlMessage(B.id(), gossip(alive(B, 1), removed(C, 2)));

		assertThat(this.overlay.members()).containsExactlyInAnyOrder(A, B);
	}

	@Test
	void aFarewellFromTheLeavingNodeItselfIsTaken() {
		this.overlay.onControlMessage(B.id(), gossip(removed(B, 2)));

		assertThat(this.overlay.members()).containsExactlyInAnyOrder(A, C);
	}

	@Test
	void aFarewellFromAThirdPartyNamingAnotherNodeIsIgnored() {
		this.overlay.onControlMessage(X.id(), gossip(removed(B, 2)));

		assertThat(this.overlay.members()).containsExactlyInAnyOrder(A, B, C);
		assertThat(this.log.contains("ignored 1 membership change(s) gossiped by x, which is not a member")).isTrue();
	}

	@Test
	void aGossipFromAJoinerAddsItButCannotRemoveOthers() {
		this.overlay.onControlMessage(X.id(), gossip(alive(X, 1), removed(B, 5), removed(C, 5), removed(A, 5)));

		assertThat(this.overlay.members()).containsExactlyInAnyOrder(A, B, C, X);
		assertThat(this.context.connected).contains(X.id(), B.id(), C.id());
	}

	@Test
	void aNodeThatIsNotAMemberCannotMoveAMemberToAnotherAddress() {
		Node elsewhere = new Node(B.id(), "evil.example", 6666, null);

		this.overlay.onControlMessage(X.id(), gossip(alive(elsewhere, 9)));

		assertThat(this.overlay.members()).contains(B).doesNotContain(elsewhere);
	}

	@Test
	void aNodeThatLeftRejoinsByIntroducingItselfAgain() {
		this.overlay.onControlMessage(B.id(), gossip(removed(B, 2)));

		this.overlay.onControlMessage(B.id(), gossip(alive(B, 3), alive(A, 1)));

		assertThat(this.overlay.members()).containsExactlyInAnyOrder(A, B, C);
	}

	@Test
	void aGossipWithTenThousandNewMembersAddsAtMostTheBound() {
		List<MemberEntry> many = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			many.add(alive(Node.of("n" + i, "localhost", 20000 + i), 1));
		}

		this.overlay.onControlMessage(B.id(), new FullMeshOverlay.Gossip(many));

		assertThat(this.overlay.members()).hasSize(3 + FullMeshOverlay.MAX_NEW_MEMBERS_PER_GOSSIP);
		assertThat(this.context.connected).hasSize(2 + FullMeshOverlay.MAX_NEW_MEMBERS_PER_GOSSIP);
		assertThat(this.log.contains("one gossip adds at most 1024")).isTrue();
	}

	@Test
	void theSeedThisNodeJoinsThroughIsTrustedWithItsWholeState() {
		FakeOverlayContext joinerContext = new FakeOverlayContext(X);
		FullMeshOverlay joiner = new FullMeshOverlay(Duration.ofSeconds(10));
		joiner.start(joinerContext);
		var joined = joiner.join(A);

		joiner.onControlMessage(A.id(), gossip(alive(A, 1), alive(B, 1), removed(C, 2), alive(X, 1)));

		assertThat(joined).isCompleted();
		assertThat(joiner.members()).containsExactlyInAnyOrder(A, B, X);
	}

	@Test
	void aRefusalIsWarnedOfOnceAMinutePerSender() {
		for (int i = 0; i < 5; i++) {
			this.overlay.onControlMessage(X.id(), new FullMeshOverlay.LeaveRequest("go away"));
		}
		this.overlay.onControlMessage(NodeId.of("y"), new FullMeshOverlay.LeaveRequest("go away"));

		// The repeats go to DEBUG, which the tests' log configuration leaves out.
		assertThat(this.log.messages().stream().filter((m) -> m.contains("ignored a request to leave")))
			.containsExactly("Node a ignored a request to leave the cluster from x, which is not a member",
					"Node a ignored a request to leave the cluster from y, which is not a member");
		assertThat(this.overlay.members()).containsExactlyInAnyOrder(A, B, C);
	}

	@Test
	void onlyAServerRelaysForOthersInClientServer() {
		Node server = Node.of("s", "localhost", 10200).withTag(ClientServerReach.SERVER);
		Node client = Node.of("k", "localhost", 10201).withTag(ClientServerReach.CLIENT);
		Node self = A.withTag(ClientServerReach.CLIENT);
		Overlay clientServer = ClientServerReach.overlay(self, Duration.ofSeconds(10));
		clientServer.start(new FakeOverlayContext(self));
		clientServer.onControlMessage(server.id(), gossip(alive(server, 1), alive(client, 1)));

		assertThat(clientServer.relaysFor(server.id(), client.id())).isTrue();
		assertThat(clientServer.relaysFor(client.id(), server.id())).isFalse();
		assertThat(clientServer.relaysFor(X.id(), client.id())).isFalse();
		assertThat(this.overlay.relaysFor(B.id(), C.id())).as("in a full mesh everyone speaks for itself").isFalse();
	}

	@Test
	void aMemberRemovedByAnotherIsToldByEveryMemberConnectedToIt() {
		this.context.connect(C);

		this.overlay.onControlMessage(B.id(), gossip(alive(B, 1), removed(C, 2)));

		assertThat(this.context.sentTo(C.id())).singleElement()
			.satisfies((notice) -> assertThat(entryOf(notice, C).removed()).isTrue());
		assertThat(this.context.connected).doesNotContain(C.id());
	}

	@Test
	void aNodeThatLeftIgnoresTheGossipOfTheClusterItLeftUntilItJoinsAgain() {
		this.overlay.leave();
		this.context.sent.clear();

		// Sent by b before the farewell reached it, and after: neither brings a back. The
		// one that still lists a present is answered with a's farewell (b missed it); the
		// one that knows a left is not answered.
		this.overlay.onControlMessage(B.id(), gossip(alive(A, 1), alive(B, 1), alive(C, 1)));
		this.overlay.onControlMessage(B.id(), gossip(removed(A, 2), alive(B, 1), alive(C, 1)));

		assertThat(this.overlay.members()).containsExactly(A);
		assertThat(this.context.sent).singleElement().satisfies((farewell) -> {
			assertThat(farewell.peer()).isEqualTo(B.id());
			assertThat(entryOf(farewell.message(), A).removed()).isTrue();
		});
	}

	@Test
	void aNodeThatLeftStaysAtItsTombstonesVersionAndRejoinsAboveIt() {
		this.overlay.leave();
		MemberEntry tombstone = entryOf(this.context.sentTo(B.id()).get(0), A);
		this.context.sent.clear();

		this.overlay.join(B);

		MemberEntry rejoin = entryOf(this.context.sentTo(B.id()).get(0), A);
		assertThat(tombstone.removed()).isTrue();
		assertThat(rejoin.removed()).isFalse();
		assertThat(rejoin.supersedes(tombstone)).isTrue();
		assertThat(new MemberEntry(A, tombstone.version(), false).supersedes(tombstone))
			.as("alone, a stays at the tombstone's version, which the tombstone beats")
			.isFalse();
	}

	private static FullMeshOverlay.Gossip gossip(MemberEntry... entries) {
		return new FullMeshOverlay.Gossip(List.of(entries));
	}

	private static MemberEntry alive(Node node, long version) {
		return new MemberEntry(node, version, false);
	}

	private static MemberEntry removed(Node node, long version) {
		return new MemberEntry(node, version, true);
	}

	private static MemberEntry entryOf(ControlMessage gossip, Node node) {
		return ((FullMeshOverlay.Gossip) gossip).members()
			.stream()
			.filter((entry) -> entry.node().id().equals(node.id()))
			.collect(Collectors.toList())
			.get(0);
	}

}
