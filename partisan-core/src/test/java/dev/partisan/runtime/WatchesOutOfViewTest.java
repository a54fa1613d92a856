package dev.partisan.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.DownReason;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.ControlMessage;
import dev.partisan.membership.Overlay;
import dev.partisan.membership.OverlayContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A watched peer-to-peer neighbour that moves to the passive view has not gone down: its
 * watch keeps waiting (for probes to say more), while a node nobody knows still fires at
 * once. The tracker and the watches are driven by hand; the overlay only answers who is
 * out of view.
 */
class WatchesOutOfViewTest {

	private static final Node SELF = Node.of("self", "127.0.0.1", 10100);

	private static final Node A = Node.of("a", "127.0.0.1", 10101);

	private final MemberTracker tracker = new MemberTracker(SELF.id());

	private final Watches watches = new Watches(SELF.id(), this.tracker, (node) -> new CompletableFuture<>());

	private final Set<NodeId> passive = new LinkedHashSet<>();

	private final List<String> fired = new ArrayList<>();

	@Test
	void aWatchedNeighbourMovingOutOfViewDoesNotFireItsWatch() {
		this.tracker.evaluate(Set.of(SELF, A), (id) -> true);
		this.watches.add(watch(A), this.overlay);

		this.passive.add(A.id());
		this.watches.changed(this.tracker.evaluate(Set.of(SELF), (id) -> true, this.passive::contains), this.overlay);

		assertThat(this.fired).isEmpty();
	}

	@Test
	void aWatchOfANodeInThePassiveViewWaitsWhileOneOfAStrangerFiresAtOnce() {
		this.passive.add(A.id());

		this.watches.add(watch(A), this.overlay);
		this.watches.add(watch(Node.of("stranger", "127.0.0.1", 10199)), this.overlay);

		assertThat(this.fired).containsExactly("stranger UNREACHABLE");
	}

	@Test
	void aWatchedNeighbourThatLeavesStillFiresAsLeft() {
		this.tracker.evaluate(Set.of(SELF, A), (id) -> true);
		this.watches.add(watch(A), this.overlay);

		this.watches.changed(this.tracker.evaluate(Set.of(SELF), (id) -> true, this.passive::contains), this.overlay);

		assertThat(this.fired).containsExactly("a LEFT");
	}

	@Test
	void aWatchOfANodeNotConnectedHereFiresLeftOnceTheOverlayHearsItDeparted() {
		this.passive.add(A.id());
		this.watches.add(watch(A), this.overlay);
		this.watches.changed(this.tracker.evaluate(Set.of(SELF), (id) -> true, this.passive::contains), this.overlay);
		assertThat(this.fired).isEmpty();

		this.passive.remove(A.id());
		this.departed.add(A.id());
		this.watches.changed(this.tracker.evaluate(Set.of(SELF), (id) -> true, this.passive::contains), this.overlay);

		assertThat(this.fired).containsExactly("a LEFT");
	}

	@Test
	void watchingANodeTheOverlayKnowsDepartedFiresLeftAtOnce() {
		this.departed.add(A.id());

		this.watches.add(watch(A), this.overlay);

		assertThat(this.fired).containsExactly("a LEFT");
	}

	private dev.partisan.api.Registration watch(Node node) {
		return Watches.create(node.id(), (DownReason reason) -> this.fired.add(node.name() + " " + reason));
	}

	/** Who the overlay heard leave. */
	private final Set<NodeId> departed = new LinkedHashSet<>();

	/** Knows only who is in its passive view, and who it heard leave. */
	private final Overlay overlay = new Overlay() {

		@Override
		public boolean outOfView(NodeId node) {
			return WatchesOutOfViewTest.this.passive.contains(node);
		}

		@Override
		public boolean departed(NodeId node) {
			return WatchesOutOfViewTest.this.departed.contains(node);
		}

		@Override
		public String name() {
			return "views-only";
		}

		@Override
		public void start(OverlayContext context) {
		}

		@Override
		public CompletableFuture<Void> join(Node seed) {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<Void> leave() {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<Void> leave(NodeId node) {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public Set<Node> members() {
			return Set.of(SELF);
		}

		@Override
		public Map<String, Class<? extends ControlMessage>> controlMessageTypes() {
			return Map.of();
		}

		@Override
		public void onControlMessage(NodeId from, ControlMessage message) {
		}

		@Override
		public void stop() {
		}

	};

}
