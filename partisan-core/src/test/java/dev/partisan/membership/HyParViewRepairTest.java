package dev.partisan.membership;

import java.util.List;

import dev.partisan.api.Node;
import dev.partisan.membership.HyParViewOverlay.Join;
import dev.partisan.membership.HyParViewOverlay.JoinReply;
import dev.partisan.membership.HyParViewOverlay.Leave;
import dev.partisan.membership.HyParViewOverlay.Neighbor;
import dev.partisan.membership.HyParViewOverlay.Shuffle;
import dev.partisan.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a HyParView node repairs what lost messages broke, message by message: node
 * {@code a}'s overlay (epoch 1) through a fake context, with {@code b}, {@code c} and
 * {@code d} in its active view (all at epoch 10) and {@code x} and {@code y} outside it.
 */
class HyParViewRepairTest {

	private static final Node A = Node.of("a", "localhost", 10100);

	private static final Node B = Node.of("b", "localhost", 10101);

	private static final Node C = Node.of("c", "localhost", 10102);

	private static final Node D = Node.of("d", "localhost", 10103);

	private static final Node X = Node.of("x", "localhost", 10198);

	private static final Node Y = Node.of("y", "localhost", 10199);

	private final FakeOverlayContext context = new FakeOverlayContext(A);

	private final HyParViewOverlay overlay = new HyParViewOverlay(HyParViewOverlay.Settings.DEFAULTS);

	private final LogCapture log = new LogCapture(HyParViewOverlay.class);

	HyParViewRepairTest() {
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
	void aRemovedNodeThatShufflesHereIsToldOfItsRemovalAgain() {
		this.overlay.onControlMessage(B.id(), new Leave(X, 5, B.id()));
		this.context.sent.clear();

		this.overlay.onControlMessage(X.id(), new Shuffle(X, 4, List.of(X), 1));

		assertThat(this.context.sentTo(X.id())).containsExactly(new Leave(X, 5, B.id()));
		assertThat(this.overlay.passiveView()).isEmpty();
	}

	@Test
	void aRemovedNodeThatAsksToBeANeighbourIsToldOfItsRemovalInsteadOfRefused() {
		this.overlay.onControlMessage(B.id(), new Leave(X, 5, B.id()));
		this.context.sent.clear();

		this.overlay.onControlMessage(X.id(), new Neighbor(X, true, 5));

		assertThat(this.context.sentTo(X.id())).containsExactly(new Leave(X, 5, B.id()));
		assertThat(this.overlay.activeView()).doesNotContain(X);
	}

	@Test
	void aNodeThatLeftAnswersTheShuffleOfANeighbourItsLeaveDidNotReachWithItsLeave() {
		this.overlay.leave();
		this.context.sent.clear();

		this.overlay.onControlMessage(B.id(), new Shuffle(B, 4, List.of(B), 1));

		assertThat(this.context.sentTo(B.id())).containsExactly(new Leave(A, 1, A.id()));
	}

	@Test
	void aShuffleTellsOfALeaveThisNodeMissedAndItDropsTheLeaver() {
		this.overlay.onControlMessage(B.id(), new Shuffle(B, 4, List.of(B), 1, List.of(new Leave(C, 10, C.id()))));

		assertThat(this.overlay.activeView()).containsExactlyInAnyOrder(B, D);
		assertThat(this.overlay.members()).doesNotContain(C);
	}

	@Test
	void theLeavesThisNodeLearnedTravelInItsNextShuffle() {
		this.overlay.onControlMessage(C.id(), new Leave(C, 10, C.id()));
		this.context.sent.clear();

		this.context.runScheduled();

		List<Shuffle> shuffles = this.context.sent.stream()
			.map(FakeOverlayContext.Sent::message)
			.filter(Shuffle.class::isInstance)
			.map(Shuffle.class::cast)
			.toList();
		assertThat(shuffles).hasSize(1);
		assertThat(shuffles.get(0).left()).containsExactly(new Leave(C, 10, C.id()));
	}

	@Test
	void aJoinReplyBringsASampleOfTheSeedsViewsIntoThePassiveView() {
		HyParViewOverlay joiner = new HyParViewOverlay(HyParViewOverlay.Settings.DEFAULTS);
		FakeOverlayContext joinerContext = new FakeOverlayContext(X);
		joiner.start(joinerContext);
		joiner.join(A);

		joiner.onControlMessage(A.id(), new JoinReply(A, 1, List.of(B, C, X)));

		assertThat(joiner.activeView()).containsExactly(A);
		assertThat(joiner.passiveView()).containsExactlyInAnyOrder(B, C);
	}

	@Test
	void theSeedAnswersAJoinWithASampleOfItsViewsWithoutTheJoiner() {
		this.overlay.onControlMessage(X.id(), new Join(X, 10));

		JoinReply reply = (JoinReply) this.context.sentTo(X.id()).get(0);
		assertThat(reply.sample()).isNotEmpty().doesNotContain(X, A).isSubsetOf(B, C, D);
	}

	@Test
	void removingANodeWhoseEpochIsUnknownCoversItsIncarnationsUntilNowButNotALaterOne() {
		long before = this.context.epochNow();
		this.overlay.leave(X.id());
		long after = this.context.epochNow();

		Leave removal = (Leave) this.context.sentTo(B.id()).get(0);
		assertThat(removal.epoch()).isBetween(before, after);
		this.overlay.onControlMessage(X.id(), new Neighbor(X, true, before - 1));
		assertThat(this.overlay.activeView()).doesNotContain(X);
		this.overlay.onControlMessage(X.id(), new Neighbor(X, true, after + 1));
		assertThat(this.overlay.activeView()).contains(X);
	}

	@Test
	void aRemovedNodeLeavesPastTheRemovalSoThatItsNextJoinIsNewerThanIt() {
		this.overlay.onControlMessage(B.id(), new Leave(A, 1_000_000, B.id()));
		this.context.sent.clear();

		this.overlay.join(Y);

		Join join = (Join) this.context.sentTo(Y.id()).get(0);
		assertThat(join.epoch()).isGreaterThan(1_000_000);
	}

	@Test
	void aNodeShortOfNeighboursForThreeRoundsAsksInAWayThatCannotBeRefused() {
		this.overlay.onControlMessage(D.id(), new HyParViewOverlay.Disconnect(D));
		this.context.sent.clear();

		for (int round = 0; round < HyParViewOverlay.SHORT_ROUNDS_BEFORE_INSISTING + 1; round++) {
			this.context.runScheduled();
		}

		List<Neighbor> requests = this.context.sentTo(D.id())
			.stream()
			.filter(Neighbor.class::isInstance)
			.map(Neighbor.class::cast)
			.toList();
		assertThat(requests).extracting(Neighbor::highPriority).startsWith(false).contains(true);
		assertThat(requests.stream().filter(Neighbor::highPriority)).hasSize(1);
	}

}
