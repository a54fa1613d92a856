package dev.partisan.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.partisan.api.DownReason;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.Overlay;
import dev.partisan.simulation.MembershipSchedule.Kind;
import dev.partisan.simulation.MembershipSchedule.Op;
import dev.partisan.simulation.Simulation.MemberEvent;
import dev.partisan.simulation.Simulation.SimNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs seeded random membership schedules ({@link MembershipSchedule}) on the simulator
 * and checks, for one overlay, what must hold afterwards.
 *
 * <p>
 * A run: {@code n} nodes start on their own; {@code operations} joins, leaves, removals,
 * crashes, restarts, partitions and heals follow each other; any partition is healed;
 * then nothing is done for the overlay's <em>bound</em> ({@link Cluster#bound()}, in
 * virtual time), after which the first instant with no control message in flight (within
 * one more second) is when the membership is checked: every live member agrees on it, no
 * node that left or was removed is a member anywhere (the overlay's
 * {@link Cluster#check}). Over the whole run, no node was reported {@code LEFT} while it
 * was crashed without having left; and, where the overlay reports only leaves as
 * {@code LEFT} ({@link Cluster#leftMeansLeft()}), no node was ever reported {@code LEFT}
 * that had not left or been removed. A node that itself left reports each of its members
 * gone as {@code LEFT} (its membership is now itself alone): its own reports after its
 * leave are not held against the members.
 *
 * <p>
 * Schedules per overlay: {@code -Dpartisan.membership.schedules=N} (default
 * {@link #DEFAULT_SCHEDULES}); {@code -Dpartisan.membership.seed=S} replays the one
 * schedule of seed {@code S}. A failure names its seed and prints the schedule and every
 * member report.
 */
final class RandomMembership {

	static final int DEFAULT_SCHEDULES = 200;

	/** One latency, jittered up to twice this. */
	static final Duration LATENCY = Duration.ofMillis(1);

	/** How long until a node notices a peer crashed or is partitioned away. */
	static final Duration DETECTION = Duration.ofSeconds(1);

	/** What one overlay brings to a run. */
	interface Cluster {

		/** Node {@code index}, with its tag (none by default). */
		default Node node(int index) {
			return new Node(NodeId.of(Simulation.name(index)), "sim", 1 + index, null);
		}

		/** A fresh overlay for {@code node} (at its start and every restart). */
		Overlay overlay(Node node);

		/** Whether {@code joiner} may join through {@code seed}. */
		default boolean canSeed(Node joiner, Node seed) {
			return true;
		}

		/**
		 * Whether a node that left may be the seed that starts a new cluster before it
		 * joins again itself (a peer-to-peer node that left refuses to be joined).
		 */
		default boolean leaversSeed() {
			return true;
		}

		/**
		 * How long until a removed node has heard of it, at most (after the heal, for one
		 * removed across a partition); a node that believes it is a member does not join
		 * again before.
		 */
		default Duration removalHeardAfterHeal() {
			return Duration.ofMillis(100);
		}

		/**
		 * How long after a heal a leave or removal made during the partition is out: its
		 * maker does not crash before.
		 */
		default Duration newsOutAfterHeal() {
			return Duration.ofMillis(500);
		}

		/**
		 * Whether {@code by}'s removal of {@code removed} can reach it, the overlay being
		 * as it is now: always where every member knows every other (full-mesh, a client
		 * through its servers); on partial views only within the part of the overlay the
		 * remover shares with it.
		 */
		default boolean reaches(Simulation sim, MembershipSchedule model, int by, int removed) {
			return true;
		}

		/**
		 * Whether every node is a member from its start, before any join (pub-sub: the
		 * announcements alone make the cluster).
		 */
		default boolean membersFromTheStart() {
			return false;
		}

		/** Virtual time after the last operation within which the membership agrees. */
		Duration bound();

		/**
		 * Whether {@code LEFT} is reported only for nodes that left or were removed (else
		 * also for view changes, but still never for a crashed node); every overlay now
		 * does.
		 */
		default boolean leftMeansLeft() {
			return true;
		}

		/**
		 * Adds to {@code violations} what does not hold of the membership once the bound
		 * has passed.
		 */
		void check(Simulation sim, MembershipSchedule model, Consumer<String> violations);

	}

	/** A membership change of one node, in virtual time, for judging reports. */
	private record Mark(Duration at, int node, Kind kind) {
	}

	private RandomMembership() {
	}

	/** The seeds to run: the replayed one, or {@code count} from {@code base}. */
	static long[] seeds(long base, int count) {
		String replay = System.getProperty("partisan.membership.seed");
		if (replay != null && !replay.isBlank()) {
			return new long[] { Long.parseLong(replay.trim()) };
		}
		int schedules = Integer.getInteger("partisan.membership.schedules", count);
		long[] seeds = new long[schedules];
		for (int i = 0; i < schedules; i++) {
			seeds[i] = base + i;
		}
		return seeds;
	}

	/** Runs every seed and fails with the first failing schedule. */
	static void runAll(Cluster cluster, long base, int count, int n, int operations) {
		for (long seed : seeds(base, count)) {
			List<String> log = new ArrayList<>();
			List<String> violations = run(cluster, seed, n, operations, log);
			assertThat(violations)
				.as("Membership schedule failed; replay with -Dpartisan.membership.seed=%d%n%s", seed,
						String.join("\n", log))
				.isEmpty();
		}
	}

	/**
	 * Runs the schedule of {@code seed}; returns the violations, and writes the schedule
	 * and the member reports to {@code log}.
	 */
	static List<String> run(Cluster cluster, long seed, int n, int operations, List<String> log) {
		Simulation sim = new Simulation(seed, LATENCY, DETECTION);
		List<Node> nodes = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			Node node = cluster.node(i);
			nodes.add(node);
			sim.add(node, cluster.overlay(node));
		}
		MembershipSchedule[] modelOf = new MembershipSchedule[1];
		MembershipSchedule model = new MembershipSchedule(seed * 7919 + 17, n,
				(a, b) -> cluster.canSeed(nodes.get(a), nodes.get(b)),
				(by, removed) -> cluster.reaches(sim, modelOf[0], by, removed), cluster.leaversSeed(),
				cluster.removalHeardAfterHeal(), cluster.newsOutAfterHeal());
		modelOf[0] = model;
		List<Mark> marks = new ArrayList<>();
		if (cluster.membersFromTheStart()) {
			model.allMembersFromTheStart();
			for (int i = 0; i < n; i++) {
				marks.add(new Mark(Duration.ZERO, i, Kind.JOIN));
			}
		}
		log.add("seed " + seed + ", " + n + " nodes, schedule:");
		for (int i = 0; i < operations; i++) {
			Op op = model.next();
			sim.runFor(op.gap());
			String note = execute(sim, cluster, nodes, model, op, marks);
			log.add("  " + String.format("%8.3fs ", sim.elapsed().toNanos() / 1e9) + op.describe() + note);
		}
		if (model.partitioned()) {
			sim.heal();
			log.add("  " + String.format("%8.3fs ", sim.elapsed().toNanos() / 1e9) + "heal (end of schedule)");
		}
		sim.runFor(cluster.bound());
		for (int step = 0; step < 1000 && sim.messagesInFlight() > 0; step++) {
			sim.runFor(Duration.ofMillis(1));
		}
		log.add("checked at " + sim.elapsed().toMillis() + " ms; member reports:");
		sim.memberEvents().forEach((event) -> log.add("  " + event));
		List<String> violations = new ArrayList<>();
		cluster.check(sim, model, violations::add);
		checkReports(sim.memberEvents(), marks, cluster.leftMeansLeft(), violations::add);
		if (!violations.isEmpty()) {
			log.add("violations:");
			violations.forEach((violation) -> log.add("  " + violation));
			log.add("views at the check:");
			for (SimNode node : sim.all()) {
				log.add("  " + node.node().name() + (node.alive() ? "" : " (crashed)") + " members "
						+ names(node.overlay().members()) + " up "
						+ node.upMembers().stream().map(NodeId::name).sorted().toList() + " " + node.overlay().views());
			}
		}
		return violations;
	}

	private static String execute(Simulation sim, Cluster cluster, List<Node> nodes, MembershipSchedule model, Op op,
			List<Mark> marks) {
		Duration now = sim.elapsed();
		NodeId node = (op.node() >= 0) ? nodes.get(op.node()).id() : null;
		switch (op.kind()) {
			case JOIN -> {
				sim.node(node).join(sim.node(nodes.get(op.other()).id()));
				marks.add(new Mark(now, op.node(), Kind.JOIN));
				marks.add(new Mark(now, op.other(), Kind.JOIN));
			}
			case LEAVE -> {
				sim.node(node).leave();
				marks.add(new Mark(now, op.node(), Kind.LEAVE));
			}
			case REMOVE -> {
				CompletableFuture<Void> removed = sim.node(nodes.get(op.other()).id()).remove(node);
				if (removed.isCompletedExceptionally()) {
					model.refused(op);
					return " (refused: the remover does not know it yet)";
				}
				marks.add(new Mark(now, op.node(), Kind.LEAVE));
			}
			case CRASH -> {
				sim.crash(node);
				marks.add(new Mark(now, op.node(), Kind.CRASH));
			}
			case RESTART -> {
				sim.restart(node, cluster.overlay(nodes.get(op.node())));
				sim.node(node).join(sim.node(nodes.get(op.other()).id()));
				marks.add(new Mark(now, op.node(), Kind.RESTART));
				marks.add(new Mark(now, op.other(), Kind.JOIN));
			}
			case PARTITION -> {
				List<NodeId> side = new ArrayList<>();
				List<NodeId> rest = new ArrayList<>();
				for (int i = 0; i < nodes.size(); i++) {
					(op.side().contains(i) ? side : rest).add(nodes.get(i).id());
				}
				sim.partition(java.util.Set.copyOf(side), java.util.Set.copyOf(rest));
			}
			case HEAL -> sim.heal();
		}
		return "";
	}

	/**
	 * No node reported {@code LEFT} while it was crashed without having left; where
	 * {@code leftMeansLeft}, none reported {@code LEFT} that had not left or been removed
	 * by then. Reports by a node after its own leave do not count.
	 */
	private static void checkReports(List<MemberEvent> events, List<Mark> marks, boolean leftMeansLeft,
			java.util.function.Consumer<String> violations) {
		for (MemberEvent event : events) {
			if (event.up() || event.reason() != DownReason.LEFT) {
				continue;
			}
			int peer = index(event.peer().id());
			int observer = index(event.observer());
			if (observerLeft(marks, observer, event.at())) {
				continue;
			}
			boolean peerLeft = leftSinceJoin(marks, peer, event.at());
			Kind last = lastOf(marks, peer, event.at(), Kind.CRASH, Kind.RESTART);
			if (last == Kind.CRASH && !peerLeft) {
				violations.accept("crashed node reported LEFT: " + event);
			}
			else if (leftMeansLeft && !everLeft(marks, peer, event.at())) {
				violations.accept("node that never left reported LEFT: " + event);
			}
		}
	}

	private static int index(NodeId id) {
		return Integer.parseInt(id.name().substring(1));
	}

	/** Whether {@code node} left or was removed after its last join, up to {@code at}. */
	private static boolean leftSinceJoin(List<Mark> marks, int node, Duration at) {
		return lastOf(marks, node, at, Kind.JOIN, Kind.RESTART, Kind.LEAVE) == Kind.LEAVE;
	}

	/**
	 * Whether {@code node} left or was removed at or before {@code at} and did not join
	 * again strictly between (a leave and a join at the same instant leave it open which
	 * came first, so the report is not held against anyone).
	 */
	private static boolean observerLeft(List<Mark> marks, int node, Duration at) {
		Duration left = null;
		for (Mark mark : marks) {
			if (mark.node() == node && mark.at().compareTo(at) <= 0) {
				if (mark.kind() == Kind.LEAVE) {
					left = mark.at();
				}
				else if ((mark.kind() == Kind.JOIN || mark.kind() == Kind.RESTART) && left != null
						&& mark.at().compareTo(left) > 0 && mark.at().compareTo(at) < 0) {
					left = null;
				}
			}
		}
		return left != null;
	}

	private static boolean everLeft(List<Mark> marks, int node, Duration at) {
		return marks.stream().anyMatch((m) -> m.node() == node && m.kind() == Kind.LEAVE && m.at().compareTo(at) <= 0);
	}

	private static Kind lastOf(List<Mark> marks, int node, Duration at, Kind... kinds) {
		Kind last = null;
		for (Mark mark : marks) {
			if (mark.node() == node && mark.at().compareTo(at) <= 0 && List.of(kinds).contains(mark.kind())) {
				last = mark.kind();
			}
		}
		return last;
	}

	static List<String> names(java.util.Collection<Node> nodes) {
		return nodes.stream().map(Node::name).sorted().toList();
	}

}
