package dev.partisan.simulation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.membership.Overlay;
import dev.partisan.simulation.MembershipSchedule.State;
import dev.partisan.simulation.Simulation.SimNode;
import org.junit.jupiter.api.Test;

/**
 * Seeded random membership schedules on the peer-to-peer overlay (see
 * {@link RandomMembership}). After the bound: the running members' active views are
 * symmetric, hold only running members and form one connected graph; each member's
 * members are itself and its active view, all up; no node that left or was removed is in
 * any active or passive view; a running node that is not a member has empty views.
 * Weaker, as HyParView is: a crashed node may linger in passive views (a passive entry is
 * tested only when it is promoted). {@code LEFT} is reported only for nodes that left or
 * were removed: a neighbour that only moved to the passive view is out of view, not down.
 *
 * <p>
 * "Connected" is relative to what the members can know: members that exchanged a message
 * since either last joined or restarted must end up in one overlay, directly or through
 * other running members. The suite runs seeds 1–200 of eight nodes and 50000–50009 of
 * thirty; {@link #main} runs others (base seed, count, nodes, operations) and prints each
 * failing schedule: from seeds 5000 and 7000, 3 and 5 of 1,000 schedules of 8 nodes still
 * fail (1 of 1,000 from seed 1), and none of 100 schedules of 30 nodes and 60 operations
 * from seed 50000.
 */
class PeerToPeerRandomMembershipTest {

	/** Small views, so that they fill and shuffle even in small clusters. */
	private static final HyParViewOverlay.Settings SETTINGS = new HyParViewOverlay.Settings(3, 6, 4, 2,
			Duration.ofSeconds(1), 2, 2, Duration.ZERO);

	/** Detection, then enough shuffle rounds (one a second) for views to repair. */
	static final Duration BOUND = Duration.ofSeconds(20);

	static final RandomMembership.Cluster CLUSTER = new RandomMembership.Cluster() {

		@Override
		public Overlay overlay(Node node) {
			return new HyParViewOverlay(SETTINGS);
		}

		@Override
		public Duration bound() {
			return BOUND;
		}

		/**
		 * The removal floods the remover's part of the overlay, which may still be
		 * repairing after a partition; then only the nodes the removed one asks (its
		 * shuffle partner, a neighbour or seed it asks for) tell it: a few shuffle
		 * rounds.
		 */
		@Override
		public Duration removalHeardAfterHeal() {
			return Duration.ofSeconds(5);
		}

		/**
		 * A remover whose neighbours were all across the partition tells the others in
		 * its next shuffles: a few rounds.
		 */
		@Override
		public Duration newsOutAfterHeal() {
			return Duration.ofSeconds(3);
		}

		@Override
		public boolean leaversSeed() {
			return false;
		}

		@Override
		public boolean reaches(Simulation sim, MembershipSchedule model, int by, int removed) {
			return removalReaches(sim, model, by, removed);
		}

		@Override
		public void check(Simulation sim, MembershipSchedule model, Consumer<String> violations) {
			checkViews(sim, model, violations);
		}

	};

	@Test
	void runningMembersFormOneSymmetricOverlayAfterTwoHundredRandomSchedulesOfEightNodes() {
		RandomMembership.runAll(CLUSTER, 1, RandomMembership.DEFAULT_SCHEDULES, 8, 20);
	}

	@Test
	void thirtyNodesFormOneSymmetricOverlayAfterLongerRandomSchedules() {
		RandomMembership.runAll(CLUSTER, 50_000, 10, 30, 60);
	}

	/** Runs schedules and prints each failing one; exits non-zero if any failed. */
	public static void main(String[] args) {
		long first = (args.length > 0) ? Long.parseLong(args[0]) : 4_000;
		int count = (args.length > 1) ? Integer.parseInt(args[1]) : RandomMembership.DEFAULT_SCHEDULES;
		int n = (args.length > 2) ? Integer.parseInt(args[2]) : 8;
		int operations = (args.length > 3) ? Integer.parseInt(args[3]) : 20;
		int failed = 0;
		for (long seed = first; seed < first + count; seed++) {
			List<String> log = new java.util.ArrayList<>();
			if (!RandomMembership.run(CLUSTER, seed, n, operations, log).isEmpty()) {
				failed++;
				log.forEach(System.out::println);
			}
		}
		System.out.println(failed + " of " + count + " schedules failed");
		System.exit((failed == 0) ? 0 : 1);
	}

	static void checkViews(Simulation sim, MembershipSchedule model, Consumer<String> violations) {
		Set<NodeId> running = new HashSet<>();
		Set<NodeId> notMembers = new HashSet<>();
		for (int i = 0; i < model.size(); i++) {
			State state = model.state(i);
			NodeId id = NodeId.of(Simulation.name(i));
			if (state.member && state.alive) {
				running.add(id);
			}
			else if (!state.member) {
				notMembers.add(id);
			}
		}
		// Connected: members that know each other, directly or through other running
		// members, are in one overlay (see acquaintances).
		Map<NodeId, Set<NodeId>> knows = acquaintances(sim, running, model);
		for (SimNode node : sim.live()) {
			NodeId id = node.node().id();
			HyParViewOverlay overlay = (HyParViewOverlay) node.overlay();
			Set<NodeId> active = ids(overlay.activeView());
			Set<NodeId> passive = ids(overlay.passiveView());
			if (!running.contains(id)) {
				if (!active.isEmpty() || !passive.isEmpty()) {
					violations.accept(id.name() + " is not a member, yet has views " + overlay.views());
				}
				continue;
			}
			Set<NodeId> strangers = new HashSet<>(active);
			strangers.removeAll(running);
			if (!strangers.isEmpty()) {
				violations
					.accept(id.name() + " has in its active view nodes that are not running members: " + strangers);
			}
			Set<NodeId> leavers = new HashSet<>(passive);
			leavers.retainAll(notMembers);
			if (!leavers.isEmpty()) {
				violations.accept(id.name() + " has in its passive view nodes that left or were removed: " + leavers);
			}
			for (NodeId peer : active) {
				if (running.contains(peer)
						&& !ids(((HyParViewOverlay) sim.node(peer).overlay()).activeView()).contains(id)) {
					violations.accept(id.name() + " has " + peer.name() + " active, but not the other way round");
				}
			}
			Set<NodeId> members = ids(List.copyOf(overlay.members()));
			Set<NodeId> expected = new HashSet<>(active);
			expected.add(id);
			if (!members.equals(expected)) {
				violations.accept(id.name() + " lists members " + members + ", its active view being " + active);
			}
			if (!node.upMembers().equals(active)) {
				violations.accept(id.name() + " sees up " + node.upMembers() + ", its active view being " + active);
			}
			if (active.isEmpty() && knows.containsKey(id)) {
				violations
					.accept(id.name() + " is a member with an empty active view, though it knows " + knows.get(id));
			}
		}
		Set<NodeId> placed = new HashSet<>();
		for (NodeId start : running) {
			if (!placed.add(start)) {
				continue;
			}
			Set<NodeId> acquainted = reach(start, (id) -> knows.getOrDefault(id, Set.of()), running);
			placed.addAll(acquainted);
			Set<NodeId> connected = reach(start, (id) -> ids(((HyParViewOverlay) sim.node(id).overlay()).activeView()),
					running);
			if (!connected.containsAll(acquainted)) {
				Set<NodeId> unreached = new HashSet<>(acquainted);
				unreached.removeAll(connected);
				violations.accept("the active views are not connected: from " + start.name() + " " + unreached
						+ " cannot be reached, though they know each other through " + acquainted);
			}
		}
	}

	/**
	 * Who knows whom among {@code running}: a node knows another when they exchanged a
	 * message since either last joined or restarted (a passive-view entry learned from a
	 * shuffle is knowledge too, but a weaker one the check does not demand). Members
	 * whose only common acquaintances crashed or left cannot find each other again
	 * without configured seeds, on HyParView or anything with partial views.
	 */
	static Map<NodeId, Set<NodeId>> acquaintances(Simulation sim, Set<NodeId> running, MembershipSchedule model) {
		Map<NodeId, Set<NodeId>> knows = new HashMap<>();
		for (NodeId a : running) {
			for (NodeId b : running) {
				Duration contact = sim.lastContact(a, b);
				long since = Math.max(model.state(index(a)).joinedAt, model.state(index(b)).joinedAt);
				if (!a.equals(b) && contact != null && contact.toMillis() > since) {
					knows.computeIfAbsent(a, (k) -> new HashSet<>()).add(b);
				}
			}
		}
		return knows;
	}

	/**
	 * Whether a removal by {@code by} can reach {@code removed}: it floods the overlay
	 * the remover is part of (and crosses healed partitions in shuffles), so it reaches a
	 * running node only among those the remover knows, directly or through other running
	 * members. Two parts with no acquaintance in common are two overlays; a removal made
	 * in one is never heard in the other (as a join made in one is never seen there). A
	 * crashed node hears of nothing: its restart is a new incarnation.
	 */
	static boolean removalReaches(Simulation sim, MembershipSchedule model, int by, int removed) {
		if (!model.state(removed).alive) {
			return true;
		}
		Set<NodeId> running = new HashSet<>();
		for (int i = 0; i < model.size(); i++) {
			if (model.state(i).alive && model.state(i).member) {
				running.add(NodeId.of(Simulation.name(i)));
			}
		}
		Map<NodeId, Set<NodeId>> knows = acquaintances(sim, running, model);
		return reach(NodeId.of(Simulation.name(by)), (id) -> knows.getOrDefault(id, Set.of()), running)
			.contains(NodeId.of(Simulation.name(removed)));
	}

	/** The running nodes reachable from {@code start} over {@code edges}. */
	private static Set<NodeId> reach(NodeId start, Function<NodeId, Set<NodeId>> edges, Set<NodeId> running) {
		Set<NodeId> seen = new HashSet<>(Set.of(start));
		Deque<NodeId> queue = new ArrayDeque<>(List.of(start));
		while (!queue.isEmpty()) {
			for (NodeId next : edges.apply(queue.remove())) {
				if (running.contains(next) && seen.add(next)) {
					queue.add(next);
				}
			}
		}
		return seen;
	}

	private static int index(NodeId id) {
		return Integer.parseInt(id.name().substring(1));
	}

	private static Set<NodeId> ids(List<Node> nodes) {
		Set<NodeId> ids = new HashSet<>();
		nodes.forEach((node) -> ids.add(node.id()));
		return ids;
	}

}
