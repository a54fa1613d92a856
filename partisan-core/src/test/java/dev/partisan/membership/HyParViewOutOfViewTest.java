package dev.partisan.membership;

import java.time.Duration;
import java.util.List;

import dev.partisan.api.Node;
import dev.partisan.membership.HyParViewOverlay.Disconnect;
import dev.partisan.membership.HyParViewOverlay.Join;
import dev.partisan.membership.HyParViewOverlay.Leave;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A neighbour that moves from the active to the passive view has not left: node
 * {@code a}'s overlay, through a fake context, with an active view of at most three and
 * {@code b}, {@code c}, {@code d} in it, says which nodes that are not members are only
 * out of view.
 */
class HyParViewOutOfViewTest {

	private static final Node A = Node.of("a", "localhost", 10100);

	private static final Node B = Node.of("b", "localhost", 10101);

	private static final Node C = Node.of("c", "localhost", 10102);

	private static final Node D = Node.of("d", "localhost", 10103);

	private static final Node E = Node.of("e", "localhost", 10104);

	private final FakeOverlayContext context = new FakeOverlayContext(A);

	private final HyParViewOverlay overlay = new HyParViewOverlay(
			new HyParViewOverlay.Settings(3, 30, 6, 3, Duration.ofSeconds(10), 3, 4));

	HyParViewOutOfViewTest() {
		this.overlay.start(this.context);
		for (Node node : List.of(B, C, D)) {
			this.overlay.onControlMessage(node.id(), new Join(node, 10));
		}
		this.context.sent.clear();
	}

	@Test
	void aNeighbourThatDisconnectsMovesToThePassiveViewOutOfViewNotGone() {
		this.overlay.onControlMessage(C.id(), new Disconnect(C));

		assertThat(this.overlay.members()).containsExactly(A, B, D);
		assertThat(this.overlay.passiveView()).containsExactly(C);
		assertThat(this.overlay.outOfView(C.id())).isTrue();
		assertThat(this.overlay.outOfView(B.id())).as("an active neighbour is in view").isFalse();
	}

	@Test
	void aNeighbourDroppedToMakeRoomForANewcomerIsOutOfViewAndToldWhy() {
		this.overlay.onControlMessage(E.id(), new Join(E, 10));

		assertThat(this.overlay.activeView()).hasSize(3).contains(E);
		Node dropped = this.overlay.passiveView().get(0);
		assertThat(this.overlay.members()).doesNotContain(dropped);
		assertThat(this.overlay.outOfView(dropped.id())).isTrue();
		assertThat(this.context.sentTo(dropped.id())).containsExactly(new Disconnect(A));
	}

	@Test
	void aNeighbourDroppedToMakeRoomStaysOutOfViewWhenAFullPassiveViewLetsItGo() {
		FakeOverlayContext small = new FakeOverlayContext(A);
		HyParViewOverlay overlay = new HyParViewOverlay(
				new HyParViewOverlay.Settings(3, 1, 6, 3, Duration.ofSeconds(10), 3, 4));
		overlay.start(small);
		for (Node node : List.of(B, C, D, E)) {
			overlay.onControlMessage(node.id(), new Join(node, 10));
		}
		Node dropped = overlay.passiveView().get(0);
		Node next = overlay.activeView().stream().filter((node) -> !node.equals(E)).findFirst().orElseThrow();

		// The next neighbour to go takes the passive view's one place.
		overlay.onControlMessage(next.id(), new Disconnect(next));

		assertThat(overlay.passiveView()).containsExactly(next);
		assertThat(overlay.outOfView(dropped.id())).as("%s was moved out, it did not leave", dropped.name()).isTrue();
	}

	@Test
	void aNeighbourThatLeftIsNotOutOfViewButGone() {
		this.overlay.onControlMessage(C.id(), new Leave(C, 10, C.id()));

		assertThat(this.overlay.members()).doesNotContain(C);
		assertThat(this.overlay.outOfView(C.id())).isFalse();
	}

	@Test
	void aPassiveMemberThatLeavesIsNoLongerOutOfView() {
		this.overlay.onControlMessage(C.id(), new Disconnect(C));

		this.overlay.onControlMessage(B.id(), new Leave(C, 10, C.id()));

		assertThat(this.overlay.outOfView(C.id())).isFalse();
	}

	@Test
	void afterThisNodeLeavesNobodyIsOutOfView() {
		this.overlay.onControlMessage(C.id(), new Disconnect(C));

		this.overlay.leave();

		assertThat(this.overlay.outOfView(C.id())).isFalse();
		assertThat(this.overlay.outOfView(B.id())).isFalse();
	}

	@Test
	void aStrangerIsNotOutOfView() {
		assertThat(this.overlay.outOfView(E.id())).isFalse();
	}

}
