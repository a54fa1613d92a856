package dev.partisan.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * A seeded, bounded random schedule of membership operations on a cluster of {@code n}
 * nodes, and the model of what each operation should do to the membership. The schedule
 * is drawn one operation at a time against the model, so that every operation is one a
 * real cluster could be asked to do: a node joins through a seed that is a member and on
 * its side of any partition (or, when there is no member at all, through any running
 * node, which starts the cluster); a restarted node joins again through such a seed.
 * Operations follow each other after a random gap: half within 0–50 ms (races with what
 * is still in flight), half within 0–2 s.
 */
final class MembershipSchedule {

	enum Kind {

		JOIN, LEAVE, REMOVE, CRASH, RESTART, PARTITION, HEAL

	}

	/**
	 * One operation: {@code node} joins through (or is removed by, or restarts and joins
	 * through) {@code other}; a partition separates {@code side} from the rest.
	 */
	record Op(Duration gap, Kind kind, int node, int other, Set<Integer> side) {

		String describe() {
			String what = switch (this.kind) {
				case JOIN -> Simulation.name(this.node) + " joins via " + Simulation.name(this.other);
				case LEAVE -> Simulation.name(this.node) + " leaves";
				case REMOVE -> Simulation.name(this.other) + " removes " + Simulation.name(this.node);
				case CRASH -> Simulation.name(this.node) + " crashes";
				case RESTART -> Simulation.name(this.node) + " restarts and joins via " + Simulation.name(this.other);
				case PARTITION -> "partition " + this.side.stream().sorted().map(Simulation::name).toList() + " | rest";
				case HEAL -> "heal";
			};
			return "+" + this.gap.toMillis() + "ms " + what;
		}

	}

	/** What the model knows of one node. */
	static final class State {

		boolean alive = true;

		/** Joined (or restarted and joined) and has not left nor been removed since. */
		boolean member;

		/** Which side of the current partition it is on (0 when there is none). */
		int side;

		/**
		 * When it can have heard of its removal (virtual ms): a node removed across a
		 * partition hears of it only after the heal. A node that believes it is still a
		 * member takes a join as done, so it joins again only once it has heard (a
		 * removal it has not heard of still removes it, as documented).
		 */
		long hearsRemovalAt;

		/**
		 * When it may crash or be removed (virtual ms): a node that just left or removed
		 * another does not crash, nor is removed, before the news is out — for one made
		 * during a partition, until after the heal — since a leave or removal that dies
		 * with its node, unsaid, is not one: the others only see a crash, and a removed
		 * node is no longer believed about others.
		 */
		long crashableAt;

		/**
		 * Until when (virtual ms) it is the seed of a join still settling: it neither
		 * leaves nor is removed meanwhile (a joiner whose seed leaves under it may end up
		 * in a cluster of two with the seed, which is what it asked for).
		 */
		long seedingUntil;

		/**
		 * When every node can know of its latest restart (virtual ms): a node restarted
		 * during a partition is known at its old incarnation on the other side until
		 * after the heal, and a removal made there removes only that old incarnation (a
		 * restart re-admits a node, as documented), so it is not removed from there
		 * meanwhile.
		 */
		long restartKnownAt;

		/**
		 * Left or was removed, and has not joined nor restarted since: where leavers
		 * refuse to be joined (peer-to-peer), it starts no cluster as a seed.
		 */
		boolean out;

		/**
		 * When (virtual ms) a removal it made is out: it does not leave before (a leave
		 * drops what it knew, as a crash does; for one made during a partition, after the
		 * heal).
		 */
		long removalOutAt;

		/**
		 * When (virtual ms) it last joined or restarted: what it knew of others before is
		 * gone (a leave or removal empties its views; a restart starts afresh).
		 */
		long joinedAt;

	}

	private final Random random;

	private final List<State> nodes = new ArrayList<>();

	private final BiPredicate<Integer, Integer> canSeed;

	private final BiPredicate<Integer, Integer> reaches;

	private final boolean leaversSeed;

	private boolean partitioned;

	/** Virtual time of the schedule so far, in ms. */
	private long clock;

	/**
	 * Until when (virtual ms) the latest join is still settling: its joiner and seed do
	 * not crash, and no partition comes, before a join has had time to complete. A join
	 * cut short fails (its future says so) and is the application's to repeat; the
	 * schedule does not model that.
	 */
	private long joinsSettleAt;

	private static final long JOIN_SETTLES_WITHIN_MS = 100;

	/** How long a removal takes to reach the removed node on its side, at most. */
	private static final long REMOVAL_HEARD_WITHIN_MS = 100;

	/** How long after a heal the news of a leave or removal made before it is out. */
	private static final long TOLD_AFTER_HEAL_MS = 500;

	/**
	 * How long until a removed node has heard of it, at most (after the heal, for one
	 * removed across a partition): at once where the remover tells everyone it reaches, a
	 * few gossip rounds where the news travels over an overlay that may still be
	 * repairing, and the nodes it asks tell it.
	 */
	private final long removalHeardAfterHealMs;

	/**
	 * How long after a heal a leave or removal made during the partition is out, so that
	 * the node that made it may crash.
	 */
	private final long newsOutAfterHealMs;

	/**
	 * @param canSeed whether node {@code a} may join through node {@code b} (a client
	 * joins only through a server)
	 * @param reaches whether node {@code a}'s removal of node {@code b} can reach
	 * {@code b} through the overlay as it is when the removal is drawn
	 * @param leaversSeed whether a node that left (or was removed) may start a new
	 * cluster as the seed of another's join before it joins again itself
	 * @param removalHeardAfterHeal how long after a heal a node removed across the
	 * partition has heard of it, at most
	 * @param newsOutAfterHeal how long after a heal a leave or removal made during the
	 * partition is out
	 */
	MembershipSchedule(long seed, int n, BiPredicate<Integer, Integer> canSeed, BiPredicate<Integer, Integer> reaches,
			boolean leaversSeed, Duration removalHeardAfterHeal, Duration newsOutAfterHeal) {
		this.random = new Random(seed);
		this.removalHeardAfterHealMs = removalHeardAfterHeal.toMillis();
		this.newsOutAfterHealMs = newsOutAfterHeal.toMillis();
		this.canSeed = canSeed;
		this.reaches = reaches;
		this.leaversSeed = leaversSeed;
		for (int i = 0; i < n; i++) {
			this.nodes.add(new State());
		}
	}

	/**
	 * Every node is a member from its start (pub-sub: a node is in the cluster as soon as
	 * its announcements are heard).
	 */
	void allMembersFromTheStart() {
		this.nodes.forEach((state) -> state.member = true);
	}

	State state(int node) {
		return this.nodes.get(node);
	}

	int size() {
		return this.nodes.size();
	}

	boolean partitioned() {
		return this.partitioned;
	}

	/** The next operation the model allows, drawn at random; applied to the model. */
	Op next() {
		Duration gap = this.random.nextBoolean() ? Duration.ofMillis(this.random.nextInt(51))
				: Duration.ofMillis(this.random.nextInt(2001));
		this.clock += gap.toMillis();
		for (int wait = 0; wait < 100; wait++) {
			for (int attempt = 0; attempt < 100; attempt++) {
				Op op = draw(gap);
				if (op != null) {
					apply(op);
					return op;
				}
			}
			// Nothing is allowed yet (news still settling): wait a little longer.
			gap = gap.plusMillis(100);
			this.clock += 100;
		}
		throw new IllegalStateException("No operation possible: " + this.nodes);
	}

	private Op draw(Duration gap) {
		int roll = this.random.nextInt(100);
		int node = this.random.nextInt(size());
		State state = state(node);
		if (roll < 35) {
			Integer seed = seedFor(node);
			return (state.alive && !state.member && seed != null && this.clock >= state.hearsRemovalAt)
					? new Op(gap, Kind.JOIN, node, seed, Set.of()) : null;
		}
		if (roll < 47) {
			return (state.alive && state.member && this.clock >= state.seedingUntil && this.clock >= state.removalOutAt
					&& hasContact(node)) ? new Op(gap, Kind.LEAVE, node, node, Set.of()) : null;
		}
		if (roll < 59) {
			int by = this.random.nextInt(size());
			return (state.member && by != node && state(by).alive && state(by).member
					&& this.clock >= state.seedingUntil && this.clock >= state.crashableAt && canTell(by, node)
					&& this.reaches.test(by, node)
					&& (this.clock >= state.restartKnownAt || (state.side == state(by).side
							&& this.clock >= state.restartKnownAt - TOLD_AFTER_HEAL_MS)))
									? new Op(gap, Kind.REMOVE, node, by, Set.of()) : null;
		}
		if (roll < 71) {
			return (state.alive && running() > 2 && this.clock >= state.crashableAt)
					? new Op(gap, Kind.CRASH, node, node, Set.of()) : null;
		}
		if (roll < 85) {
			Integer seed = seedFor(node);
			return (!state.alive && seed != null) ? new Op(gap, Kind.RESTART, node, seed, Set.of()) : null;
		}
		if (roll < 92) {
			if (this.partitioned || this.clock < this.joinsSettleAt) {
				return null;
			}
			Set<Integer> side = new HashSet<>();
			for (int i = 0; i < size(); i++) {
				if (this.random.nextBoolean()) {
					side.add(i);
				}
			}
			return (side.isEmpty() || side.size() == size()) ? null : new Op(gap, Kind.PARTITION, -1, -1, side);
		}
		return this.partitioned ? new Op(gap, Kind.HEAL, -1, -1, Set.of()) : null;
	}

	/**
	 * A seed for {@code node}: a running member on its side it may join through; when
	 * there is no running member anywhere, any running node it may join through (the two
	 * start the cluster); else none.
	 */
	private Integer seedFor(int node) {
		List<Integer> members = new ArrayList<>();
		List<Integer> anyone = new ArrayList<>();
		boolean anyMember = false;
		for (int i = 0; i < size(); i++) {
			State other = state(i);
			anyMember |= other.alive && other.member;
			if (i == node || !other.alive || other.side != state(node).side || !this.canSeed.test(node, i)
					|| this.clock < other.hearsRemovalAt || (other.out && !other.member && !this.leaversSeed)) {
				continue;
			}
			(other.member ? members : anyone).add(i);
		}
		if (!members.isEmpty()) {
			return members.get(this.random.nextInt(members.size()));
		}
		return (!anyMember && !anyone.isEmpty()) ? anyone.get(this.random.nextInt(anyone.size())) : null;
	}

	/**
	 * Whether {@code by} reaches a running member other than {@code removed}, on its
	 * side, to pass a removal on to: a removal only {@code by} knows (a client with no
	 * server running) is not one the others can be expected to follow.
	 */
	private boolean canTell(int by, int removed) {
		for (int i = 0; i < size(); i++) {
			State other = state(i);
			if (i != by && i != removed && other.alive && other.member && other.side == state(by).side
					&& this.canSeed.test(by, i)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether {@code node} has a running member it connects to, on any side (after a heal
	 * the others' gossip reaches it, and it answers with its farewell): a client whose
	 * servers all left or crashed has no one to say its leave to, and a leave nobody
	 * hears is not one (a server that later joins through another client is told of it as
	 * a member, as it would be of a crashed one).
	 */
	private boolean hasContact(int node) {
		for (int i = 0; i < size(); i++) {
			if (i != node && state(i).alive && state(i).member && this.canSeed.test(node, i)) {
				return true;
			}
		}
		return false;
	}

	private int running() {
		return (int) this.nodes.stream().filter((s) -> s.alive).count();
	}

	private void apply(Op op) {
		switch (op.kind()) {
			case JOIN -> {
				state(op.node()).joinedAt = this.clock;
				state(op.node()).member = true;
				state(op.node()).out = false;
				state(op.other()).member = true;
				state(op.other()).out = false;
				settling(op);
			}
			case LEAVE -> {
				state(op.node()).member = false;
				state(op.node()).out = true;
				spoke(state(op.node()));
			}
			case REMOVE -> {
				spoke(state(op.other()));
				state(op.other()).removalOutAt = this.partitioned ? Long.MAX_VALUE
						: this.clock + REMOVAL_HEARD_WITHIN_MS;
				State removed = state(op.node());
				removed.member = false;
				removed.out = true;
				removed.hearsRemovalAt = (removed.side == state(op.other()).side)
						? this.clock + this.removalHeardAfterHealMs : Long.MAX_VALUE;
			}
			case CRASH -> state(op.node()).alive = false;
			case RESTART -> {
				state(op.node()).joinedAt = this.clock;
				state(op.node()).hearsRemovalAt = 0;
				state(op.node()).restartKnownAt = this.partitioned ? Long.MAX_VALUE
						: this.clock + REMOVAL_HEARD_WITHIN_MS;
				state(op.node()).alive = true;
				state(op.node()).member = true;
				state(op.node()).out = false;
				state(op.other()).member = true;
				state(op.other()).out = false;
				settling(op);
			}
			case PARTITION -> {
				this.partitioned = true;
				for (int i = 0; i < size(); i++) {
					State s = state(i);
					s.side = op.side().contains(i) ? 1 : 0;
					// News not yet out when the partition comes is out only after it
					// heals.
					if (s.crashableAt > this.clock) {
						s.crashableAt = Long.MAX_VALUE;
					}
					if (s.removalOutAt > this.clock) {
						s.removalOutAt = Long.MAX_VALUE;
					}
					if (s.hearsRemovalAt > this.clock && s.hearsRemovalAt != Long.MAX_VALUE) {
						s.hearsRemovalAt = Long.MAX_VALUE;
					}
				}
			}
			case HEAL -> {
				this.partitioned = false;
				for (State s : this.nodes) {
					s.side = 0;
					if (s.hearsRemovalAt == Long.MAX_VALUE) {
						s.hearsRemovalAt = this.clock + this.removalHeardAfterHealMs;
					}
					if (s.restartKnownAt == Long.MAX_VALUE) {
						s.restartKnownAt = this.clock + TOLD_AFTER_HEAL_MS;
					}
					if (s.crashableAt == Long.MAX_VALUE) {
						s.crashableAt = this.clock + this.newsOutAfterHealMs;
					}
					if (s.removalOutAt == Long.MAX_VALUE) {
						s.removalOutAt = this.clock + this.newsOutAfterHealMs;
					}
				}
			}
		}
	}

	private void settling(Op join) {
		this.joinsSettleAt = this.clock + JOIN_SETTLES_WITHIN_MS;
		for (State node : List.of(state(join.node()), state(join.other()))) {
			node.crashableAt = Math.max(node.crashableAt, this.joinsSettleAt);
		}
		state(join.other()).seedingUntil = this.joinsSettleAt;
	}

	/**
	 * {@code node} just left or removed another: it does not crash before that is out.
	 */
	private void spoke(State node) {
		node.crashableAt = Math.max(node.crashableAt,
				this.partitioned ? Long.MAX_VALUE : this.clock + REMOVAL_HEARD_WITHIN_MS);
	}

	/**
	 * A removal the overlay refused (the remover did not know the node yet): the node is
	 * still a member.
	 */
	void refused(Op removal) {
		state(removal.node()).member = true;
		state(removal.node()).out = false;
		state(removal.node()).hearsRemovalAt = 0;
	}

}
