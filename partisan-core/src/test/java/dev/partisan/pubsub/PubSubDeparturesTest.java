package dev.partisan.pubsub;

import java.time.Duration;
import java.util.List;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.FakeOverlayContext;
import dev.partisan.pubsub.PubSubOverlay.Alive;
import dev.partisan.pubsub.PubSubOverlay.Leaving;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pub-sub overlay's leave and removal against announcements that arrive out of order
 * (the broker orders one node's announcements, not different nodes'), without a broker:
 * the overlay is driven message by message.
 */
class PubSubDeparturesTest {

	private static final Node A = new Node(NodeId.of("a"), "a", 0, null);

	private static final NodeId B = NodeId.of("b");

	private static final NodeId C = NodeId.of("c");

	private FakeOverlayContext context;

	private PubSubOverlay overlay;

	@BeforeEach
	void start() {
		this.context = new FakeOverlayContext(A);
		this.context.epochNow = 5_000;
		this.overlay = new PubSubOverlay(Duration.ofSeconds(1));
		this.overlay.start(this.context);
		this.overlay.onControlMessage(B, new Alive("b", "b", null, 100));
		this.overlay.onControlMessage(C, new Alive("c", "c", null, 200));
	}

	@Test
	void anAnnouncementMadeBeforeARemovalAndArrivingAfterItDoesNotBringTheNodeBack() {
		this.overlay.onControlMessage(C, new Leaving("b", 100));
		assertThat(names()).containsExactly("a", "c");

		this.overlay.onControlMessage(B, new Alive("b", "b", null, 100));

		assertThat(names()).containsExactly("a", "c");
	}

	@Test
	void aNodeThatJoinsAgainAfterItsRemovalIsTakenBack() {
		this.overlay.onControlMessage(C, new Leaving("b", 100));

		this.overlay.onControlMessage(B, new Alive("b", "b", null, 101));

		assertThat(names()).containsExactly("a", "c", "b");
	}

	@Test
	void aRemovalOfAnEarlierMembershipDoesNotDropTheCurrentOne() {
		this.overlay.onControlMessage(B, new Alive("b", "b", null, 150));

		this.overlay.onControlMessage(C, new Leaving("b", 100));

		assertThat(names()).containsExactly("a", "b", "c");
	}

	@Test
	void removingANodeTellsEveryNodeWithTheEpochItLastAnnouncedAndDropsIt() {
		this.overlay.leave(C);

		assertThat(this.context.announced).last().isEqualTo(new Leaving("c", 200));
		assertThat(names()).containsExactly("a", "b");
		this.overlay.onControlMessage(C, new Alive("c", "c", null, 200));
		assertThat(names()).containsExactly("a", "b");
	}

	@Test
	void removingANodeNeverHeardFromCoversEveryMembershipOfItUntilNow() {
		this.overlay.leave(NodeId.of("d"));

		assertThat(this.context.announced).last().isEqualTo(new Leaving("d", 5_000));
		this.overlay.onControlMessage(NodeId.of("d"), new Alive("d", "d", null, 4_999));
		assertThat(names()).containsExactly("a", "b", "c");
		this.overlay.onControlMessage(NodeId.of("d"), new Alive("d", "d", null, 5_001));
		assertThat(names()).containsExactly("a", "b", "c", "d");
	}

	@Test
	void aNodeThatHearsItsOwnRemovalLeavesAndAfterJoiningAgainAnnouncesALaterEpoch() {
		long joinedAt = announcedEpoch();

		this.overlay.onControlMessage(B, new Leaving("a", joinedAt));

		assertThat(names()).containsExactly("a");
		this.context.announced.clear();
		this.context.runScheduled();
		assertThat(this.context.announced).as("a node that is out does not announce").isEmpty();
		this.overlay.join(new Node(B, "b", 0, null));
		assertThat(announcedEpoch()).isGreaterThan(joinedAt);
	}

	@Test
	void aRemovalOfAnEarlierMembershipOfThisNodeIsIgnored() {
		long joinedAt = announcedEpoch();

		this.overlay.onControlMessage(B, new Leaving("a", joinedAt - 1));

		assertThat(names()).containsExactly("a", "b", "c");
	}

	@Test
	void leavingIsTheStandingAnnouncementAndClosingWithoutLeavingSaysNothing() {
		long joinedAt = announcedEpoch();
		this.overlay.leave();
		assertThat(this.context.announced).last().isEqualTo(new Leaving("a", joinedAt));

		this.context.announced.clear();
		this.overlay.stop();
		assertThat(this.context.announced).isEmpty();
		assertThat(this.overlay.leavesOnShutdown()).isTrue();
	}

	@Test
	void departuresRememberedAreBounded() {
		for (int i = 0; i < PubSubOverlay.DEPARTURES_REMEMBERED + 10; i++) {
			this.overlay.onControlMessage(B, new Leaving("gone-" + i, 1));
		}
		// The oldest is forgotten: its old announcement is taken again, the newest's not.
		this.overlay.onControlMessage(NodeId.of("gone-0"), new Alive("gone-0", "x", null, 1));
		this.overlay.onControlMessage(NodeId.of("gone-" + (PubSubOverlay.DEPARTURES_REMEMBERED + 9)),
				new Alive("gone-" + (PubSubOverlay.DEPARTURES_REMEMBERED + 9), "x", null, 1));
		assertThat(names()).containsExactly("a", "b", "c", "gone-0");
	}

	private long announcedEpoch() {
		return ((Alive) this.context.announced.stream()
			.filter(Alive.class::isInstance)
			.reduce((x, y) -> y)
			.orElseThrow()).epoch();
	}

	private List<String> names() {
		return this.overlay.members().stream().map(Node::name).toList();
	}

}
