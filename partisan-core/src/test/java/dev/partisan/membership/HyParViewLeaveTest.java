package dev.partisan.membership;

import java.util.List;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.HyParViewOverlay.Join;
import dev.partisan.membership.HyParViewOverlay.Leave;
import dev.partisan.membership.HyParViewOverlay.Neighbor;
import dev.partisan.membership.HyParViewOverlay.NeighborReply;
import dev.partisan.membership.HyParViewOverlay.Shuffle;
import dev.partisan.membership.HyParViewOverlay.ShuffleReply;
import dev.partisan.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leaving a HyParView overlay, message by message: node {@code a}'s overlay through a
 * fake context, with {@code b}, {@code c} and {@code d} in its active view (all at epoch
 * 10) and {@code x} a stranger.
 */
class HyParViewLeaveTest {

	private static final Node A = Node.of("a", "localhost", 10100);

	private static final Node B = Node.of("b", "localhost", 10101);

	private static final Node C = Node.of("c", "localhost", 10102);

	private static final Node D = Node.of("d", "localhost", 10103);

	private static final Node X = Node.of("x", "localhost", 10199);

	private final FakeOverlayContext context = new FakeOverlayContext(A);

	private final HyParViewOverlay overlay = new HyParViewOverlay(HyParViewOverlay.Settings.DEFAULTS);

	private final LogCapture log = new LogCapture(HyParViewOverlay.class);

	HyParViewLeaveTest() {
		this.overlay.start(this.context);
		for (Node node : List.of(B, C, D)) {
			this.overlay.onControlMessage(node.id(), new Join(node, 10));
		}
		this.context.sent.clear();
	}

	@AfterEach
	void stopCapturing() {
		this.log.close();
	}

	@Test
	void aNeighbourThatLeavesIsDroppedFromBothViewsAndTheNewsPassedOnToTheOtherNeighbours() {
		this.overlay.onControlMessage(C.id(), new Leave(C, 10, C.id()));

		assertThat(this.overlay.activeView()).containsExactly(B, D);
		assertThat(this.overlay.passiveView()).isEmpty();
		assertThat(this.overlay.members()).containsExactly(A, B, D);
		assertThat(this.context.sentTo(B.id())).containsExactly(new Leave(C, 10, C.id()));
		assertThat(this.context.sentTo(D.id())).containsExactly(new Leave(C, 10, C.id()));
		assertThat(this.context.sentTo(C.id())).isEmpty();
		assertThat(this.context.connected).doesNotContain(C.id());
	}

	@Test
	void theSameLeaveArrivingAgainIsNotPassedOnAgain() {
		this.overlay.onControlMessage(C.id(), new Leave(C, 10, C.id()));
		this.context.sent.clear();

		this.overlay.onControlMessage(B.id(), new Leave(C, 10, C.id()));

		assertThat(this.context.sent).isEmpty();
	}

	@Test
	void aNodeThatLeftIsNotTakenBackFromShufflesNeighbourRequestsOrItsOldJoin() {
		this.overlay.onControlMessage(C.id(), new Leave(C, 10, C.id()));

		this.overlay.onControlMessage(B.id(), new Shuffle(B, 0, List.of(B, C), 1));
		this.overlay.onControlMessage(D.id(), new ShuffleReply(D, List.of(C), 2));
		this.overlay.onControlMessage(C.id(), new Neighbor(C, true, 10));
		this.overlay.onControlMessage(C.id(), new Join(C, 10));
		this.overlay.onControlMessage(B.id(), new HyParViewOverlay.ForwardJoin(C, 0, B, 10));
		this.overlay.onControlMessage(C.id(), new HyParViewOverlay.JoinReply(C, 10));

		assertThat(this.overlay.activeView()).containsExactly(B, D);
		assertThat(this.overlay.passiveView()).doesNotContain(C);
		assertThat(this.context.sentTo(C.id())).containsExactly(new NeighborReply(A, false, 1));
	}

	@Test
	void aLaterJoinOfANodeThatLeftIsTaken() {
		this.overlay.onControlMessage(C.id(), new Leave(C, 10, C.id()));

		this.overlay.onControlMessage(C.id(), new Join(C, 11));

		assertThat(this.overlay.activeView()).containsExactly(B, C, D);
	}

	@Test
	void aStaleLeaveDoesNotUndoALaterJoin() {
		this.overlay.onControlMessage(C.id(), new Leave(C, 10, C.id()));
		this.overlay.onControlMessage(C.id(), new Join(C, 11));

		this.overlay.onControlMessage(B.id(), new Leave(C, 10, C.id()));

		assertThat(this.overlay.activeView()).containsExactly(B, C, D);
	}

	@Test
	void aStrangerCannotAnnounceThatAnotherNodeLeftButMayAnnounceItsOwnLeave() {
		this.overlay.onControlMessage(X.id(), new Leave(C, 10, X.id()));
		this.overlay.onControlMessage(X.id(), new Leave(C, 10, C.id()));

		assertThat(this.overlay.activeView()).containsExactly(B, C, D);

		this.overlay.onControlMessage(X.id(), new Leave(X, 5, X.id()));
		this.overlay.onControlMessage(B.id(), new Shuffle(B, 0, List.of(X), 1));

		assertThat(this.overlay.passiveView()).doesNotContain(X);
	}

	@Test
	void removingANodeTellsItAndEveryNeighbourWithTheEpochItJoinedAt() {
		this.overlay.leave(C.id()).join();

		assertThat(this.overlay.activeView()).containsExactly(B, D);
		Leave removal = new Leave(C, 10, A.id());
		assertThat(this.context.sentTo(B.id())).containsExactly(removal);
		assertThat(this.context.sentTo(C.id())).containsExactly(removal);
		assertThat(this.context.sentTo(D.id())).containsExactly(removal);
	}

	@Test
	void aRemovalPassedOnByANeighbourMakesTheRemovedNodeLeave() {
		this.overlay.onControlMessage(B.id(), new Leave(A, HyParViewOverlay.UNKNOWN_EPOCH, NodeId.of("z")));

		assertThat(this.overlay.members()).containsExactly(A);
		assertThat(this.overlay.views()).containsEntry("active", List.of()).containsEntry("passive", List.of());
		// Its own LEAVE hands its other neighbours over, as any leaver's does.
		assertThat(this.context.sentTo(C.id())).containsExactly(new Leave(A, 1, A.id(), List.of(B, D)));
		assertThat(this.log.contains("Node a leaves the cluster: z removed it (as b told it)")).isTrue();
	}

	@Test
	void aNodeThatLeftAnswersJoinAndNeighbourRequestsThatItLeftUntilItJoinsAgain() {
		this.overlay.leave().join();
		this.context.sent.clear();

		this.overlay.onControlMessage(X.id(), new Join(X, 3));
		this.overlay.onControlMessage(B.id(), new Neighbor(B, true, 10));

		assertThat(this.overlay.members()).containsExactly(A);
		assertThat(this.context.sentTo(X.id())).containsExactly(new Leave(A, 1, A.id()));
		assertThat(this.context.sentTo(B.id())).containsExactly(new Leave(A, 1, A.id()));

		this.overlay.join(B);

		assertThat(this.context.sentTo(B.id())).endsWith(new Join(A, 2));
		this.overlay.onControlMessage(B.id(), new HyParViewOverlay.JoinReply(B, 10));
		assertThat(this.overlay.members()).containsExactly(A, B);
	}

	@Test
	void aLeaveAnswerToANeighbourRequestMovesOnToAnotherPassiveMember() {
		this.overlay.onControlMessage(B.id(), new Shuffle(B, 0, List.of(X), 1));
		this.overlay.onControlMessage(B.id(), new Leave(B, 10, B.id()));
		this.overlay.onControlMessage(C.id(), new Leave(C, 10, C.id()));
		this.overlay.onControlMessage(D.id(), new Leave(D, 10, D.id()));
		assertThat(this.context.sentTo(X.id())).containsExactly(new Neighbor(A, false, 1));

		this.overlay.onControlMessage(X.id(), new Leave(X, 7, X.id()));

		assertThat(this.overlay.passiveView()).isEmpty();
		assertThat(this.context.connected).doesNotContain(X.id());
	}

	@Test
	void theMemoryOfLeftNodesIsBounded() {
		this.overlay.onControlMessage(C.id(), new Leave(C, 10, C.id()));
		for (int i = 0; i < HyParViewOverlay.LEFT_NODES_REMEMBERED; i++) {
			this.overlay.onControlMessage(B.id(), new Leave(Node.of("gone" + i, "localhost", 1), 1, B.id()));
		}

		this.overlay.onControlMessage(D.id(), new ShuffleReply(D, List.of(C), 2));

		assertThat(this.overlay.passiveView()).containsExactly(C);
	}

}
