package dev.partisan.runtime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import dev.partisan.api.DownReason;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.Registration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which members are up, as the tracker decides from the overlay's membership and a
 * reachability test, and what listeners hear. The membership and reachability are plain
 * values: no node, no sockets.
 */
class MemberTrackerTest {

	private static final Node SELF = Node.of("self", "127.0.0.1", 10100);

	private static final Node A = Node.of("a", "127.0.0.1", 10101);

	private static final Node B = Node.of("b", "127.0.0.1", 10102);

	private static final Predicate<NodeId> ALL_REACHABLE = (id) -> true;

	private final MemberTracker tracker = new MemberTracker(SELF.id());

	/** What the listener heard, as "up a" or "down a LEFT". */
	private final List<String> heard = new ArrayList<>();

	private final MembershipListener listener = new MembershipListener() {

		@Override
		public void memberUp(Node node) {
			MemberTrackerTest.this.heard.add("up " + node.name());
		}

		@Override
		public void memberDown(Node node, DownReason reason) {
			MemberTrackerTest.this.heard.add("down " + node.name() + " " + reason);
		}

		@Override
		public void memberOutOfView(Node node) {
			MemberTrackerTest.this.heard.add("out of view " + node.name());
		}

	};

	@Test
	void reachableMembersOtherThanThisNodeComeUp() {
		this.tracker.addListener(this.listener);

		MemberTracker.Changes changes = this.tracker.evaluate(members(SELF, A, B), ALL_REACHABLE);

		assertThat(changes.cameUp()).containsExactly(A, B);
		assertThat(changes.wentDown()).isEmpty();
		assertThat(this.tracker.up()).containsOnlyKeys(A.id(), B.id());
		assertThat(this.heard).containsExactly("up a", "up b");
	}

	@Test
	void aMemberThatIsNotReachableIsNotUp() {
		this.tracker.addListener(this.listener);

		this.tracker.evaluate(members(A, B), (id) -> !id.equals(B.id()));

		assertThat(this.tracker.up()).containsOnlyKeys(A.id());
		assertThat(this.heard).containsExactly("up a");
	}

	@Test
	void anEvaluationThatChangesNothingTellsNobody() {
		this.tracker.evaluate(members(A, B), ALL_REACHABLE);
		this.tracker.addListener(this.listener);

		MemberTracker.Changes changes = this.tracker.evaluate(members(B, A), ALL_REACHABLE);

		assertThat(changes.cameUp()).isEmpty();
		assertThat(changes.wentDown()).isEmpty();
		assertThat(this.heard).isEmpty();
	}

	@Test
	void aMemberThatIsStillAMemberButUnreachableGoesDownAsUnreachable() {
		this.tracker.evaluate(members(A, B), ALL_REACHABLE);
		this.tracker.addListener(this.listener);

		MemberTracker.Changes changes = this.tracker.evaluate(members(A, B), (id) -> !id.equals(A.id()));

		assertThat(changes.wentDown()).containsExactly(A);
		assertThat(this.heard).containsExactly("down a UNREACHABLE");
	}

	@Test
	void aMemberThatIsNoLongerAMemberGoesDownAsLeft() {
		this.tracker.evaluate(members(A, B), ALL_REACHABLE);
		this.tracker.addListener(this.listener);

		this.tracker.evaluate(members(B), ALL_REACHABLE);

		assertThat(this.heard).containsExactly("down a LEFT");
		assertThat(this.tracker.up()).containsOnlyKeys(B.id());
	}

	@Test
	void aMemberThatMovesOutOfViewIsToldSoAndNeitherDownNorRemoved() {
		this.tracker.evaluate(members(A, B), ALL_REACHABLE);
		this.tracker.addListener(this.listener);

		MemberTracker.Changes changes = this.tracker.evaluate(members(B), ALL_REACHABLE, A.id()::equals);

		assertThat(this.heard).containsExactly("out of view a");
		assertThat(changes.wentDown()).isEmpty();
		assertThat(changes.movedOutOfView()).containsExactly(A);
		assertThat(changes.reasons()).isEmpty();
		assertThat(changes.removed()).isEmpty();
		assertThat(this.tracker.downReason(A.id())).isNull();
		assertThat(this.tracker.up()).containsOnlyKeys(B.id());
	}

	@Test
	void aMemberBackInViewComesUpAgainWithoutHavingGoneDown() {
		this.tracker.evaluate(members(A), ALL_REACHABLE);
		this.tracker.evaluate(members(), ALL_REACHABLE, A.id()::equals);
		this.tracker.addListener(this.listener);

		this.tracker.evaluate(members(A), ALL_REACHABLE, (id) -> false);

		assertThat(this.heard).containsExactly("up a");
	}

	@Test
	void aMemberStillInTheMembershipButUnreachableIsDownEvenIfTheOverlaySaysOutOfView() {
		this.tracker.evaluate(members(A), ALL_REACHABLE);
		this.tracker.addListener(this.listener);

		this.tracker.evaluate(members(A), (id) -> false, (id) -> true);

		assertThat(this.heard).containsExactly("down a UNREACHABLE");
	}

	@Test
	void aMemberThatLeavesWhileAnotherMovesOutOfViewIsTheOnlyOneDown() {
		this.tracker.evaluate(members(A, B), ALL_REACHABLE);
		this.tracker.addListener(this.listener);

		MemberTracker.Changes changes = this.tracker.evaluate(members(), ALL_REACHABLE, B.id()::equals);

		assertThat(this.heard).containsExactly("down a LEFT", "out of view b");
		assertThat(changes.reasons()).containsOnlyKeys(A.id());
	}

	@Test
	void arrivalsAreToldBeforeDepartures() {
		this.tracker.evaluate(members(A), ALL_REACHABLE);
		this.tracker.addListener(this.listener);

		MemberTracker.Changes changes = this.tracker.evaluate(members(B), ALL_REACHABLE);

		assertThat(changes.cameUp()).containsExactly(B);
		assertThat(changes.wentDown()).containsExactly(A);
		assertThat(this.heard).containsExactly("up b", "down a LEFT");
	}

	@Test
	void aMemberThatComesBackComesUpAgain() {
		this.tracker.evaluate(members(A), ALL_REACHABLE);
		this.tracker.evaluate(members(A), (id) -> false);
		this.tracker.addListener(this.listener);

		this.tracker.evaluate(members(A), ALL_REACHABLE);

		assertThat(this.heard).containsExactly("up a");
	}

	@Test
	void aListenerThatThrowsDoesNotKeepTheOthersFromHearing() {
		this.tracker.addListener(new MembershipListener() {

			@Override
			public void memberUp(Node node) {
				throw new IllegalStateException("listener bug");
			}

			@Override
			public void memberDown(Node node, DownReason reason) {
				throw new IllegalStateException("listener bug");
			}

		});
		this.tracker.addListener(this.listener);

		this.tracker.evaluate(members(A), ALL_REACHABLE);
		this.tracker.evaluate(members(), ALL_REACHABLE);

		assertThat(this.heard).containsExactly("up a", "down a LEFT");
	}

	@Test
	void aRemovedListenerHearsNothingMore() {
		Registration registration = this.tracker.addListener(this.listener);
		this.tracker.evaluate(members(A), ALL_REACHABLE);

		registration.remove();
		this.tracker.evaluate(members(B), ALL_REACHABLE);

		assertThat(this.heard).containsExactly("up a");
	}

	@Test
	void aListenerThatIgnoresTheReasonIsStillToldOfDepartures() {
		List<String> downs = new ArrayList<>();
		this.tracker.addListener(new MembershipListener() {

			@Override
			public void memberDown(Node node) {
				downs.add(node.name());
			}

		});
		this.tracker.evaluate(members(A, B), ALL_REACHABLE);

		this.tracker.evaluate(members(B), (id) -> false);

		// Departures in one evaluation come in no particular order.
		assertThat(downs).containsExactlyInAnyOrder("a", "b");
	}

	@Test
	void waitingForAMemberEndsWhenItComesUpOrAtOnceIfItIsUp() {
		CompletableFuture<Void> forA = this.tracker.awaitUp(A.id());
		CompletableFuture<Void> forB = this.tracker.awaitUp(B.id());

		this.tracker.evaluate(members(A), ALL_REACHABLE);

		assertThat(forA).isCompleted();
		assertThat(forB).isNotDone();
		assertThat(this.tracker.awaitUp(A.id())).isCompleted();
		this.tracker.evaluate(members(A, B), ALL_REACHABLE);
		assertThat(forB).isCompleted();
	}

	@Test
	void aWaiterThatGaveUpIsDroppedWithoutBeingCompleted() {
		CompletableFuture<Void> forA = this.tracker.awaitUp(A.id());
		forA.cancel(false);

		this.tracker.evaluate(members(A), ALL_REACHABLE);

		assertThat(forA).isCancelled();
	}

	private static Set<Node> members(Node... nodes) {
		return new LinkedHashSet<>(List.of(nodes));
	}

}
