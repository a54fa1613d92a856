package dev.partisan.membership;

import java.util.List;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may ask a HyParView node what: node {@code a}'s overlay, driven message by message
 * through a fake context, with {@code b} and {@code c} in its active view and {@code x} a
 * stranger. A message speaks only for its sender, and the walks and broadcast trees run
 * over active links only.
 */
class HyParViewAuthorizationTest {

	private static final Node A = Node.of("a", "localhost", 10100);

	private static final Node B = Node.of("b", "localhost", 10101);

	private static final Node C = Node.of("c", "localhost", 10102);

	private static final Node X = Node.of("x", "localhost", 10199);

	private final FakeOverlayContext context = new FakeOverlayContext(A);

	private final HyParViewOverlay overlay = new HyParViewOverlay(HyParViewOverlay.Settings.DEFAULTS);

	private final LogCapture log = new LogCapture(HyParViewOverlay.class);

	HyParViewAuthorizationTest() {
		this.overlay.start(this.context);
		this.overlay.onControlMessage(B.id(), new HyParViewOverlay.Join(B));
		this.overlay.onControlMessage(C.id(), new HyParViewOverlay.Join(C));
		this.context.sent.clear();
	}

	@AfterEach
	void stopCapturing() {
		this.log.close();
	}

	@Test
	void aDisconnectFromANeighbourDropsOnlyItsOwnLink() {
		this.overlay.onControlMessage(B.id(), new HyParViewOverlay.Disconnect(B));

		assertThat(this.overlay.activeView()).containsExactly(C);
		assertThat(this.overlay.passiveView()).containsExactly(B);
	}

	@Test
	void aDisconnectNamingAnotherNodeIsIgnored() {
		this.overlay.onControlMessage(B.id(), new HyParViewOverlay.Disconnect(C));
		this.overlay.onControlMessage(X.id(), new HyParViewOverlay.Disconnect(C));

		assertThat(this.overlay.activeView()).containsExactly(B, C);
		assertThat(this.log.contains("Node a ignored a Disconnect from x: it speaks for c, not for itself")).isTrue();
	}

	@Test
	void aJoinNamingAnotherNodeIsIgnored() {
		this.overlay.onControlMessage(X.id(), new HyParViewOverlay.Join(Node.of("y", "localhost", 10198)));

		assertThat(this.overlay.activeView()).containsExactly(B, C);
		assertThat(this.context.sent).isEmpty();
	}

	@Test
	void aForwardJoinThatSpeaksForAnotherNeighbourIsIgnored() {
		Node newcomer = Node.of("n", "localhost", 10150);

		this.overlay.onControlMessage(B.id(), new HyParViewOverlay.ForwardJoin(newcomer, 0, C));

		assertThat(this.overlay.activeView()).containsExactly(B, C);
		assertThat(this.log.contains("Node a ignored a ForwardJoin from b: it speaks for c, not for itself")).isTrue();
	}

	@Test
	void aJoinFromTheJoinerItselfIsTaken() {
		this.overlay.onControlMessage(X.id(), new HyParViewOverlay.Join(X));

		assertThat(this.overlay.activeView()).containsExactly(B, C, X);
	}

	@Test
	void aForwardJoinFromAStrangerIsIgnored() {
		Node newcomer = Node.of("n", "localhost", 10150);

		this.overlay.onControlMessage(X.id(), new HyParViewOverlay.ForwardJoin(newcomer, 0, X));

		assertThat(this.overlay.activeView()).containsExactly(B, C);
		assertThat(this.context.connected).doesNotContain(newcomer.id());
	}

	@Test
	void aForwardJoinFromANeighbourIsTaken() {
		Node newcomer = Node.of("n", "localhost", 10150);

		this.overlay.onControlMessage(B.id(), new HyParViewOverlay.ForwardJoin(newcomer, 0, B));

		assertThat(this.overlay.activeView()).contains(newcomer);
	}

	@Test
	void aShuffleFromAStrangerDoesNotFillThePassiveViewAndIsAnsweredOnlyWithADisconnect() {
		List<Node> strangers = List.of(Node.of("s1", "localhost", 10301), Node.of("s2", "localhost", 10302));

		this.overlay.onControlMessage(X.id(), new HyParViewOverlay.Shuffle(X, 0, strangers, 1));

		assertThat(this.overlay.passiveView()).isEmpty();
		// No shuffle reply: only the news that the link it believes in is gone.
		assertThat(this.context.sent).extracting((sent) -> (Object) sent.message().getClass().getSimpleName())
			.containsOnly("Disconnect");
	}

	@Test
	void aBroadcastFromAStrangerIsNotDeliveredNorGraftedIntoTheTree() {
		Plumtree.Gossip gossip = new Plumtree.Gossip(new Plumtree.Id("x", 1), 0, "inbox", (byte) 0, "", new byte[0]);

		this.overlay.onControlMessage(X.id(), gossip);
		this.overlay.onControlMessage(X.id(), new Plumtree.Graft(new Plumtree.Id("a", 1), 0));

		assertThat(this.context.delivered).isEmpty();
		assertThat(this.overlay.nextHop(X.id())).isNull();
	}

	@Test
	void aBroadcastFromANeighbourIsDelivered() {
		Plumtree.Gossip gossip = new Plumtree.Gossip(new Plumtree.Id("b", 1), 0, "inbox", (byte) 0, "", new byte[0]);

		this.overlay.onControlMessage(B.id(), gossip);

		assertThat(this.context.delivered).containsExactly("b:inbox");
	}

	@Test
	void anActiveNeighbourRelaysAndAStrangerDoesNot() {
		assertThat(this.overlay.relaysFor(B.id(), NodeId.of("far"))).isTrue();
		assertThat(this.overlay.relaysFor(X.id(), NodeId.of("far"))).isFalse();
	}

}
