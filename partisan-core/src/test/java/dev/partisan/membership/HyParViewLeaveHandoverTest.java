package dev.partisan.membership;

import java.time.Duration;
import java.util.List;

import dev.partisan.api.Node;
import dev.partisan.membership.HyParViewOverlay.Join;
import dev.partisan.membership.HyParViewOverlay.Leave;
import dev.partisan.membership.HyParViewOverlay.Neighbor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A leaver hands its other neighbours to each neighbour it tells, so that a node whose
 * only neighbour leaves is not stranded with empty views: node {@code a}'s overlay,
 * through a fake context, knowing only {@code b}.
 */
class HyParViewLeaveHandoverTest {

	private static final Node A = Node.of("a", "localhost", 10200);

	private static final Node B = Node.of("b", "localhost", 10201);

	private static final Node C = Node.of("c", "localhost", 10202);

	private static final Node D = Node.of("d", "localhost", 10203);

	private final FakeOverlayContext context = new FakeOverlayContext(A);

	private final HyParViewOverlay overlay = new HyParViewOverlay(
			new HyParViewOverlay.Settings(3, 30, 6, 3, Duration.ofSeconds(10), 3, 4));

	HyParViewLeaveHandoverTest() {
		this.overlay.start(this.context);
		this.overlay.onControlMessage(B.id(), new Join(B, 10));
		this.context.sent.clear();
	}

	@Test
	void aNodeWhoseOnlyNeighbourLeavesAsksANodeTheLeaverHandedOverToBeItsNeighbour() {
		this.overlay.onControlMessage(B.id(), new Leave(B, 10, B.id(), List.of(C)));

		assertThat(this.overlay.activeView()).isEmpty();
		assertThat(this.overlay.passiveView()).containsExactly(C);
		assertThat(this.context.sentTo(C.id())).containsExactly(new Neighbor(A, true, 1));
	}

	@Test
	void aHandedOverNodeThatIsKnownToHaveLeftIsNotTakenBack() {
		this.overlay.onControlMessage(B.id(), new Join(C, 10));
		this.overlay.onControlMessage(C.id(), new Leave(C, 10, C.id()));

		this.overlay.onControlMessage(B.id(), new Leave(B, 10, B.id(), List.of(C, D)));

		assertThat(this.overlay.passiveView()).containsExactly(D);
	}

	@Test
	void aLeaverNamesItsOtherNeighboursButNotTheOneItTells() {
		this.overlay.onControlMessage(C.id(), new Join(C, 10));
		this.context.sent.clear();

		this.overlay.leave();

		assertThat(this.context.sentTo(B.id())).containsExactly(new Leave(A, 1, A.id(), List.of(C)));
		assertThat(this.context.sentTo(C.id())).containsExactly(new Leave(A, 1, A.id(), List.of(B)));
	}

}
