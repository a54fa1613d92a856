package dev.partisan.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.OverlayOperationException;
import dev.partisan.config.Check;
import dev.partisan.config.SettingGroup;
import dev.partisan.config.SettingName;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer-to-peer overlay: HyParView (Leitão, Pereira, Rodrigues, DSN 2007). Each node
 * keeps a small active view — the peers it is connected to, symmetric — and a larger
 * passive view of peers it knows, kept fresh by periodic shuffles. JOIN and FORWARD_JOIN
 * random walks place a newcomer in active and passive views across the overlay; when an
 * active peer fails, a passive one is promoted with a NEIGHBOR request (high priority
 * when the active view is empty). {@link #members()} is the active view and this node.
 *
 * <p>
 * Leaving. {@link #leave()} sends a LEAVE to the active view and forgets both views; each
 * node that receives it drops the leaver from its views and passes the LEAVE on over its
 * own active view when it taught it something, so it floods the overlay once. Every node
 * remembers the leaver and its epoch (its incarnation, plus one per leave) for
 * {@link #LEFT_NODES_REMEMBERED_FOR} and at most {@link #LEFT_NODES_REMEMBERED} nodes: in
 * that time no shuffle, passive view, FORWARD_JOIN or NEIGHBOR request brings it back,
 * only a JOIN, FORWARD_JOIN or NEIGHBOR from a later epoch (it joined again, or
 * restarted). The node that left answers JOIN and NEIGHBOR requests with its LEAVE until
 * it {@link #join joins} again, so it also stays out after the others forget it.
 * {@link #leave(NodeId)} floods a LEAVE naming the node and the remover; the removed
 * node's neighbours pass it to it, and it leaves as above. The node then reports a leaver
 * down as {@code LEFT} (it is gone from {@link #members()}). A neighbour whose connection
 * fails stays in {@link #members()} until the node has seen it go down, so a crash is
 * reported {@code UNREACHABLE}, as on the other overlays. A neighbour that only moves to
 * the passive view (a DISCONNECT when a full active view takes another, or this node
 * making room for one) is not down: it is {@link #outOfView out of view}, and the node
 * tells listeners so instead.
 *
 * <p>
 * When news is lost (to a partition, or because the only neighbours crashed), the overlay
 * repairs itself, which HyParView alone does not:
 * <ul>
 * <li>A removal of a node whose epoch the remover does not know covers every incarnation
 * started before it ({@link OverlayContext#epochNow()}); the removed node leaves past
 * that epoch, so joining again later is newer than the removal.</li>
 * <li>Each shuffle carries the leaves and removals its origin learned in the last
 * {@link #LEAVE_GOSSIP_ROUNDS} rounds (at most {@link #LEAVES_GOSSIPED}), so they cross a
 * healed partition.</li>
 * <li>A node that gets a shuffle from one it does not hold as a neighbour answers it:
 * with its own LEAVE if it left, with the stranger's removal if it remembers one, else
 * with a DISCONNECT, so active views become symmetric again. A node that remembers a
 * removal also answers the removed node's JOIN or NEIGHBOR with it.</li>
 * <li>Each round a node probes one passive member ({@link Probe}): HyParView tests a
 * passive entry only when it promotes it.</li>
 * <li>A JOIN_REPLY carries a sample of the answering node's views, so that a joiner whose
 * seed crashes or is removed at once still knows others.</li>
 * <li>Nodes lost to a failure are asked again even when the active view is full, then
 * with a request that cannot be refused: after a partition heals, both sides may have
 * filled their views from their own side.</li>
 * </ul>
 *
 * <p>
 * All of it runs on the overlay's thread and talks only to {@link OverlayContext}, so the
 * simulator drives this very class with virtual time.
 *
 * <p>
 * Who may ask what ({@code from} is the sender's identity from its connection). HyParView
 * is open by design — any node may JOIN, ask to be a NEIGHBOR, or answer a shuffle — so
 * the rule is that a message speaks only for its sender:
 * <ul>
 * <li>JOIN, JOIN_REPLY, NEIGHBOR, NEIGHBOR_REPLY, DISCONNECT and SHUFFLE_REPLY are taken
 * only when the node they name is their sender: a DISCONNECT drops the sender's own link
 * and no other.</li>
 * <li>FORWARD_JOIN and SHUFFLE travel along random walks over active views, so they are
 * taken only from an active neighbour, which must name itself as the FORWARD_JOIN's
 * {@code via}.</li>
 * <li>A LEAVE is taken from anyone when it names its sender (a node may announce its own
 * leave), and otherwise only from an active neighbour: news of another node's leave, and
 * removals, travel over active links. News of this node's own removal is also taken from
 * a node it asked to be its neighbour or seed. Any neighbour may thus remove any node, as
 * any member may on full-mesh ({@code Partisan.leave(NodeId)}); without a cluster secret
 * that is anyone who can join.</li>
 * <li>Plumtree's GOSSIP, IHAVE, GRAFT and PRUNE are taken only from an active neighbour:
 * the broadcast trees are made of active links, and a stranger must not graft itself into
 * them or become the route to an origin.</li>
 * </ul>
 * A message that speaks for another node is refused with a WARN, once a minute per sender
 * at most: an honest node always names itself. One from a node that is not an active
 * neighbour is refused at DEBUG, because that is also what an honest peer's message looks
 * like when it crosses the DISCONNECT that ended the link.
 */
public final class HyParViewOverlay implements Overlay {

	public static final String NAME = "peer-to-peer";

	/**
	 * HyParView's parameters.
	 *
	 * @param activeMax active view size (the paper: log10(n) + 1; the Erlang original: 6)
	 * @param passiveMax passive view size
	 * @param activeRandomWalkLength hops of a FORWARD_JOIN (ARWL)
	 * @param passiveRandomWalkLength at which remaining hops a FORWARD_JOIN also lands in
	 * a passive view
	 * @param shuffleInterval how often a node shuffles its passive view with a random
	 * walk's end
	 * @param shuffleActive active members a shuffle carries (k_a)
	 * @param shufflePassive passive members a shuffle carries (k_p)
	 * @param routeInterval how often each node announces itself over the broadcast trees
	 * so others learn a route to it (transitive delivery); zero turns announcements off.
	 * Each announcement reaches every node, so the traffic grows with the square of the
	 * cluster size: lengthen it for large clusters.
	 */
	@SettingGroup("hyparview")
	public record Settings(int activeMax, int passiveMax, @SettingName("arwl") int activeRandomWalkLength,
			@SettingName("prwl") int passiveRandomWalkLength, Duration shuffleInterval, int shuffleActive,
			int shufflePassive, Duration routeInterval) {

		/**
		 * The Erlang original's: views of 6 and 30, walks of 6 and 3, shuffles of 3 and 4
		 * every 10 s.
		 */
		public static final Settings DEFAULTS = new Settings(6, 30, 6, 3, Duration.ofSeconds(10), 3, 4,
				Duration.ofSeconds(30));

		public Settings(int activeMax, int passiveMax, int activeRandomWalkLength, int passiveRandomWalkLength,
				Duration shuffleInterval, int shuffleActive, int shufflePassive) {
			this(activeMax, passiveMax, activeRandomWalkLength, passiveRandomWalkLength, shuffleInterval, shuffleActive,
					shufflePassive, DEFAULTS.routeInterval());
		}

		/** {@link #DEFAULTS}. */
		public static Settings defaults() {
			return DEFAULTS;
		}

		public Settings {
			Check.atLeast("hyparview.active-max", activeMax, 1);
			Check.atLeast("hyparview.passive-max", passiveMax, 1);
			Check.atLeast("hyparview.arwl", activeRandomWalkLength, 1);
			Check.that(passiveRandomWalkLength >= 0 && passiveRandomWalkLength <= activeRandomWalkLength,
					"hyparview.prwl", passiveRandomWalkLength,
					"between 0 and hyparview.arwl (" + activeRandomWalkLength + ")");
			Check.positive("hyparview.shuffle-interval", shuffleInterval);
			Check.atLeast("hyparview.shuffle-active", shuffleActive, 0);
			Check.atLeast("hyparview.shuffle-passive", shufflePassive, 0);
			Check.that(routeInterval != null && !routeInterval.isNegative(), "hyparview.route-interval", routeInterval,
					"zero (off) or a positive duration");
		}

	}

	/**
	 * Asks the receiver to take {@code node} into its active view and spread the news.
	 *
	 * @param epoch the joiner's membership epoch (see {@link Leave})
	 */
	public record Join(Node node, long epoch) implements ControlMessage {

		public Join(Node node) {
			this(node, 0);
		}

	}

	/** A JOIN's random walk, {@code epoch} being the newcomer's. */
	public record ForwardJoin(Node node, int ttl, Node via, long epoch) implements ControlMessage {

		public ForwardJoin(Node node, int ttl, Node via) {
			this(node, ttl, via, 0);
		}

	}

	/**
	 * Tells {@code node}'s target that it is now in the sender's active view, with a
	 * {@code sample} of the sender's views for the joiner's passive view: a joiner that
	 * knows only its seed would otherwise have no one to turn to if the seed crashed or
	 * was removed before the joiner's first shuffle.
	 */
	public record JoinReply(Node node, long epoch, List<Node> sample) implements ControlMessage {

		public JoinReply {
			sample = (sample != null) ? List.copyOf(sample) : List.of();
		}

		public JoinReply(Node node, long epoch) {
			this(node, epoch, List.of());
		}

		public JoinReply(Node node) {
			this(node, 0);
		}

	}

	public record Neighbor(Node node, boolean highPriority, long epoch) implements ControlMessage {

		public Neighbor(Node node, boolean highPriority) {
			this(node, highPriority, 0);
		}

	}

	public record NeighborReply(Node node, boolean accepted, long epoch) implements ControlMessage {

		public NeighborReply(Node node, boolean accepted) {
			this(node, accepted, 0);
		}

	}

	public record Disconnect(Node node) implements ControlMessage {
	}

	/**
	 * A shuffle's random walk: the origin's sample of its views, and the leaves and
	 * removals it learned lately ({@code left}, at most {@link #LEAVES_GOSSIPED}), so
	 * that news lost to a partition reaches the other side once it heals.
	 */
	public record Shuffle(Node origin, int ttl, List<Node> nodes, long id, List<Leave> left) implements ControlMessage {

		public Shuffle {
			nodes = (nodes != null) ? List.copyOf(nodes) : List.of();
			left = (left != null) ? List.copyOf(left) : List.of();
		}

		public Shuffle(Node origin, int ttl, List<Node> nodes, long id) {
			this(origin, ttl, nodes, id, List.of());
		}

	}

	/**
	 * Checks that a passive member is still one: a node that left answers with its LEAVE,
	 * a node that remembers {@code node}'s removal with that, a member with nothing; one
	 * that cannot be reached is dropped from the passive view.
	 */
	public record Probe(Node node) implements ControlMessage {
	}

	public record ShuffleReply(Node node, List<Node> nodes, long id) implements ControlMessage {
	}

	/**
	 * {@code node} has left the cluster at membership epoch {@code epoch}, by itself
	 * (when {@code removedBy} is {@code node}) or removed by {@code removedBy}. Flooded
	 * over the active views: each node passes it on once, when it learns something from
	 * it. A node's epoch is its incarnation when it starts and grows by one at every
	 * leave, so a JOIN, FORWARD_JOIN or NEIGHBOR with a larger epoch is a later join (or
	 * a restart) that supersedes the leave. {@code epoch} is {@link #UNKNOWN_EPOCH} when
	 * the remover did not know it.
	 *
	 * <p>
	 * {@code handover}: the leaver's own LEAVE names its other neighbours, so that a node
	 * that knew no one else (its passive view empty) is not left alone with an empty
	 * active view: it takes them into its passive view and asks one to be its neighbour.
	 * Empty when passed on, and in the notice of a removal (the removed node's own LEAVE
	 * then carries it).
	 */
	public record Leave(Node node, long epoch, NodeId removedBy, List<Node> handover) implements ControlMessage {

		public Leave {
			handover = (handover != null) ? List.copyOf(handover) : List.of();
		}

		public Leave(Node node, long epoch, NodeId removedBy) {
			this(node, epoch, removedBy, List.of());
		}

	}

	/** A {@link Leave}'s epoch when the remover did not know the removed node's. */
	public static final long UNKNOWN_EPOCH = -1;

	/**
	 * The most left nodes a node remembers (the oldest is forgotten first), so a flood of
	 * leaves cannot grow its memory without bound.
	 */
	static final int LEFT_NODES_REMEMBERED = 1024;

	/**
	 * How long a node remembers that another left: meanwhile gossip, shuffles and stale
	 * requests do not bring it back; only its own later join does. Counted in shuffle
	 * rounds, at least one.
	 */
	static final Duration LEFT_NODES_REMEMBERED_FOR = Duration.ofMinutes(10);

	/**
	 * A node that left or was removed (by {@code removedBy}, itself when it left), at
	 * which epoch ({@link #UNKNOWN_EPOCH} when the removal did not say), and until which
	 * shuffle round it is kept.
	 */
	private record Tombstone(Node node, long epoch, long sinceRound, long untilRound, NodeId removedBy,
			boolean epochKnown) {
	}

	/** The most leaves and removals a shuffle carries. */
	static final int LEAVES_GOSSIPED = 4;

	/**
	 * For how many shuffle rounds after learning of a leave or removal a node passes it
	 * on in its shuffles: long enough to cross a healed partition, short enough that the
	 * news stops travelling long before anyone forgets it.
	 */
	static final int LEAVE_GOSSIP_ROUNDS = 8;

	/**
	 * How long a short-lived connection (a shuffle or neighbour reply) may stay open at
	 * most.
	 */
	private static final Duration TEMPORARY_CONNECTION_LIMIT = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(HyParViewOverlay.class);

	private final Refusals refusals = new Refusals(logger);

	/** The active view's ids, for {@link #relaysFor}; read from any thread. */
	private volatile Set<NodeId> activeSnapshot = Set.of();

	private final Settings settings;

	private final Map<NodeId, Node> active = new HashMap<>();

	private final Map<NodeId, Node> passive = new HashMap<>();

	/** Passive members asked to become neighbours and not yet answered. */
	private final Set<NodeId> pendingNeighbors = new LinkedHashSet<>();

	/**
	 * Passive members asked since the last repair round began: a refusal moves on to
	 * another candidate, but never around the passive view twice in one round (that would
	 * be a storm of NEIGHBOR requests).
	 */
	private final Set<NodeId> triedThisRound = new java.util.HashSet<>();

	/** What each of our shuffles sent, to evict those first when the reply comes. */
	private final Map<Long, List<Node>> shufflesSent = new HashMap<>();

	private final Map<NodeId, CompletableFuture<Void>> pendingJoins = new HashMap<>();

	private long shuffleIds;

	/** Shuffle rounds so far: the clock left nodes expire by. */
	private long rounds;

	/**
	 * Nodes this node lost contact with (crashed, or behind a partition), with when to
	 * try each again. A failure empties them from both views, as HyParView does; but a
	 * node whose views then hold no one, or a part of the overlay cut off by a partition,
	 * has no other way back to the rest once the fault is over. So while the active view
	 * is short and no neighbour request is pending, a due one is asked to be a neighbour
	 * (it is not put back in the passive view: it may have left meanwhile), each after
	 * twice as many shuffle rounds as the time before (at most
	 * {@link #RETRY_ROUNDS_MAX}).
	 */
	private final Map<NodeId, Retry> lost = new LinkedHashMap<>();

	private record Retry(Node node, int attempts, long dueRound) {
	}

	/**
	 * The neighbour requests pending at the last shuffle round. One still pending a whole
	 * round later went unanswered (lost across a partition, say) and is given up, or it
	 * would block every further request.
	 */
	private Set<NodeId> pendingLastRound = Set.of();

	/**
	 * Shuffle rounds in a row with a short active view and passive members to ask.
	 * HyParView asks with high priority only when the active view is empty, so two parts
	 * of an overlay whose members are all full on one side stay apart for good (after a
	 * partition heals, say): the short side's requests are always refused. After
	 * {@link #SHORT_ROUNDS_BEFORE_INSISTING} such rounds a request cannot be refused, at
	 * most once every {@link #RETRY_ROUNDS_MAX} rounds (a cluster whose sizes leave some
	 * node short for good moves one link that often, no more).
	 */
	private int shortRounds;

	private long insistedAt = -RETRY_ROUNDS_MAX;

	static final int SHORT_ROUNDS_BEFORE_INSISTING = 3;

	/** The longest back-off, in shuffle rounds, between two tries of a lost node. */
	static final int RETRY_ROUNDS_MAX = 16;

	/** The nodes that left, with the epoch they left at; insertion order is age. */
	private final LinkedHashMap<NodeId, Tombstone> left = new LinkedHashMap<>();

	/**
	 * The latest nodes dropped from the active view (at most as many as both views hold):
	 * one evicted from a full passive view right after is still only out of view.
	 */
	private final Set<NodeId> formerNeighbours = new LinkedHashSet<>();

	/** The epochs active neighbours joined at, from their own messages. */
	private final Map<NodeId, Long> epochs = new HashMap<>();

	/**
	 * Active neighbours dropped because they could not be reached, kept in
	 * {@link #members()} until the node has seen them go down, so that it reports them
	 * unreachable rather than left.
	 */
	private final Map<NodeId, Node> failing = new LinkedHashMap<>();

	/** This node's membership epoch: its incarnation, plus one for every leave. */
	private long epoch;

	/** Whether this node has left and not joined again: it then refuses to be joined. */
	private boolean out;

	/**
	 * The views as the last change left them, unsorted: {@link #views()} sorts them when
	 * asked (the actuator, now and then), not on every change (a shuffle changes the
	 * passive view every few seconds on every node). Read from any thread.
	 */
	private volatile Map<String, List<Node>> views = Map.of("active", List.of(), "passive", List.of());

	/** Broadcast over the active view, and the routes its trees give to every origin. */
	private final Plumtree plumtree;

	/**
	 * Next hops towards nodes outside the active view, learned from Plumtree; read from
	 * any thread.
	 */
	private volatile Map<NodeId, NodeId> routes = Map.of();

	/**
	 * The handler name of the periodic route announcements (not delivered to any
	 * application handler).
	 */
	static final String ROUTE_ANNOUNCEMENT = "_route";

	private @Nullable OverlayContext context;

	public HyParViewOverlay(Settings settings) {
		this.settings = settings;
		this.plumtree = new Plumtree(new Plumtree.Host() {
			@Override
			public OverlayContext context() {
				return ctx();
			}

			@Override
			public void deliver(Node origin, Plumtree.Gossip gossip) {
				if (!gossip.handler().equals(ROUTE_ANNOUNCEMENT)) {
					ctx().deliver(origin, gossip.handler(), gossip.codec(), gossip.type(), gossip.payload());
				}
			}

			@Override
			public Node nodeNamed(String name) {
				NodeId id = NodeId.of(name);
				Node known = HyParViewOverlay.this.active.getOrDefault(id, HyParViewOverlay.this.passive.get(id));
				return (known != null) ? known : new Node(id, "unknown", 0, null);
			}
		}, settings.shuffleInterval().dividedBy(10).isZero() ? Duration.ofMillis(100)
				: settings.shuffleInterval().dividedBy(10), 4096);
	}

	@Override
	public boolean broadcast(String handler, byte codecId, String payloadType, byte[] payload) {
		this.plumtree.broadcast(handler, codecId, payloadType, payload);
		return true;
	}

	/**
	 * A node outside the active view is reached through the neighbour that offered its
	 * newest broadcast (route announcements included) at the lowest round, by the
	 * broadcast or by an IHAVE: each hop is nearer the origin (see {@link Plumtree}).
	 */
	@Override
	public @Nullable NodeId nextHop(NodeId destination) {
		NodeId hop = this.routes.get(destination);
		return (hop != null && !hop.equals(destination)) ? hop : null;
	}

	/**
	 * Any active neighbour relays: transitive delivery passes a message hop by hop along
	 * the broadcast trees, through whichever peers they run. Without a cluster secret a
	 * relayed origin is therefore only as trustworthy as the neighbours.
	 */
	@Override
	public boolean relaysFor(NodeId relay, NodeId origin) {
		return this.activeSnapshot.contains(relay);
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public Map<String, Class<? extends ControlMessage>> controlMessageTypes() {
		Map<String, Class<? extends ControlMessage>> types = new HashMap<>();
		types.put("hpv.join", Join.class);
		types.put("hpv.forward-join", ForwardJoin.class);
		types.put("hpv.join-reply", JoinReply.class);
		types.put("hpv.neighbor", Neighbor.class);
		types.put("hpv.neighbor-reply", NeighborReply.class);
		types.put("hpv.disconnect", Disconnect.class);
		types.put("hpv.shuffle", Shuffle.class);
		types.put("hpv.shuffle-reply", ShuffleReply.class);
		types.put("hpv.leave", Leave.class);
		types.put("hpv.probe", Probe.class);
		types.putAll(Plumtree.types());
		return types;
	}

	@Override
	public void start(OverlayContext context) {
		this.context = context;
		this.epoch = context.incarnation();
		context.schedule(this.settings.shuffleInterval(), this::shuffle);
		// Every node announces itself over the broadcast trees now and then, so every
		// other node learns a
		// route back to it (the papers' transitive delivery).
		if (!this.settings.routeInterval().isZero()) {
			context.schedule(this.settings.routeInterval(),
					() -> this.plumtree.broadcast(ROUTE_ANNOUNCEMENT, (byte) 0, "", new byte[0]));
		}
	}

	private OverlayContext ctx() {
		if (this.context == null) {
			throw new IllegalStateException("The overlay is not started");
		}
		return this.context;
	}

	private Node self() {
		return ctx().localNode();
	}

	/** The active view (for observability). */
	public List<Node> activeView() {
		return sorted(this.active.values());
	}

	/** The passive view (for observability). */
	public List<Node> passiveView() {
		return sorted(this.passive.values());
	}

	@Override
	public Map<String, List<Node>> views() {
		Map<String, List<Node>> current = this.views;
		return Map.of("active", sorted(current.getOrDefault("active", List.of())), "passive",
				sorted(current.getOrDefault("passive", List.of())));
	}

	/**
	 * Publishes the views for other threads and tells the node its members may have
	 * changed.
	 */
	private void changed() {
		this.views = Map.of("active", List.copyOf(this.active.values()), "passive", List.copyOf(this.passive.values()));
		this.activeSnapshot = Set.copyOf(this.active.keySet());
		publishRoutes();
		ctx().membersChanged();
	}

	@Override
	public Set<Node> members() {
		Set<Node> members = new LinkedHashSet<>();
		members.add(self());
		members.addAll(this.active.values());
		members.addAll(this.failing.values());
		return members;
	}

	/**
	 * A node in the passive view, or a former neighbour not remembered as having left, is
	 * a member of the cluster this node is not connected to (a full passive view evicts
	 * members all the time, a just demoted neighbour too; that is not their leaving).
	 * After this node's own leave, everyone is gone from its point of view.
	 */
	@Override
	public boolean outOfView(NodeId node) {
		return !this.out && !this.active.containsKey(node) && !departed(node)
				&& (this.passive.containsKey(node) || this.formerNeighbours.contains(node));
	}

	/**
	 * Joins through {@code seed}; after a leave this is the node's new join, which its
	 * larger epoch lets the others tell from the old one.
	 */
	@Override
	public CompletableFuture<Void> join(Node seed) {
		if (seed.id().equals(self().id())) {
			return CompletableFuture.failedFuture(new OverlayOperationException("A node cannot join itself"));
		}
		this.out = false;
		// Asking to join through a node is reason enough to believe it is back.
		this.left.remove(seed.id());
		if (this.active.containsKey(seed.id())) {
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<Void> joined = this.pendingJoins.computeIfAbsent(seed.id(),
				(id) -> new CompletableFuture<>());
		addActive(seed);
		ctx().send(seed.id(), new Join(self(), this.epoch));
		changed();
		return joined;
	}

	/**
	 * How long {@link #leave()} waits for its LEAVE to be written to every neighbour. A
	 * neighbour leaving at the same moment may close the connection under it, and the
	 * write then waits for a redial that never comes: the node that shuts down must not
	 * wait for that.
	 */
	static final Duration FAREWELL_WAIT = Duration.ofSeconds(1);

	/**
	 * Leaves: tells the active view (which floods the news on), forgets both views and
	 * refuses to be joined until this node joins again; completes once the neighbours
	 * have been told, or after {@link #FAREWELL_WAIT} at most.
	 */
	@Override
	public CompletableFuture<Void> leave() {
		if (this.out) {
			return CompletableFuture.completedFuture(null);
		}
		List<Node> neighbours = List.copyOf(this.active.values());
		List<Node> known = new ArrayList<>(neighbours);
		known.addAll(sample(this.passive.values(), this.settings.shufflePassive()));
		long leftAt = this.epoch;
		this.epoch++;
		this.out = true;
		List<CompletableFuture<Void>> told = new ArrayList<>();
		for (Node peer : neighbours) {
			List<Node> handover = new ArrayList<>(known);
			handover.remove(peer);
			told.add(dropActiveTelling(peer, new Leave(self(), leftAt, self().id(), handover)));
		}
		this.passive.clear();
		this.pendingNeighbors.forEach((peer) -> ctx().disconnect(peer));
		this.pendingNeighbors.clear();
		this.triedThisRound.clear();
		this.shufflesSent.clear();
		this.failing.clear();
		this.lost.clear();
		this.pendingJoins.values()
			.forEach((join) -> join.completeExceptionally(new OverlayOperationException("The node left")));
		this.pendingJoins.clear();
		changed();
		CompletableFuture<Void> done = new CompletableFuture<>();
		CompletableFuture.allOf(told.toArray(CompletableFuture[]::new)).whenComplete((ok, ex) -> done.complete(null));
		ctx().scheduleOnce(FAREWELL_WAIT, () -> done.complete(null));
		return done;
	}

	/**
	 * The LEAVE floods the active views, so a node that shuts down gracefully is reported
	 * left by its neighbours rather than unreachable after the failure timeout, and is
	 * not taken back from anyone's passive view.
	 */
	@Override
	public boolean leavesOnShutdown() {
		return true;
	}

	/**
	 * Removes {@code node} from the cluster: this node drops it and tells its active
	 * view, which floods the removal on; the removed node's own neighbours pass it to it,
	 * and it leaves. Completes once this node's neighbours have been told.
	 */
	@Override
	public CompletableFuture<Void> leave(NodeId node) {
		if (node.equals(self().id())) {
			return leave();
		}
		Node known = this.active.getOrDefault(node, this.passive.get(node));
		Node removed = (known != null) ? known : new Node(node, "unknown", 0, null);
		// Not knowing its epoch, remove every incarnation of it started before now: one
		// that starts later is a new node, and the removal does not cover it.
		Long epochKnown = this.epochs.get(node);
		Leave removal = new Leave(removed, (epochKnown != null) ? epochKnown : ctx().epochNow(), self().id());
		logger.info("Node {} removes {} from the cluster", self().id(), node);
		CompletableFuture<Void> told = onLeave(self().id(), removal);
		changed();
		return told;
	}

	@Override
	public void onControlMessage(NodeId from, ControlMessage message) {
		String refusal = refusal(from, message);
		if (refusal != null) {
			String format = "Node {} ignored a {} from {}: {}";
			Object[] args = { self().id(), message.getClass().getSimpleName(), from, refusal };
			if (refusal.equals(NOT_A_NEIGHBOUR)) {
				logger.debug(format, args);
				if (message instanceof Shuffle shuffle && shuffle.origin().id().equals(from)) {
					answerStranger(shuffle.origin());
				}
			}
			else {
				this.refusals.warn(from, format, args);
			}
			return;
		}
		if (this.out) {
			whileOut(from, message);
			return;
		}
		if (this.plumtree.onMessage(from, message)) {
			publishRoutes();
			return;
		}
		if (message instanceof Join join) {
			onJoin(join);
		}
		else if (message instanceof ForwardJoin forward) {
			onForwardJoin(forward);
		}
		else if (message instanceof JoinReply reply) {
			if (admits(reply.node(), reply.epoch())) {
				addActive(reply.node(), reply.epoch());
				reply.sample().forEach(this::addPassive);
				completeJoin(reply.node().id());
			}
		}
		else if (message instanceof Neighbor neighbor) {
			onNeighbor(neighbor);
		}
		else if (message instanceof NeighborReply reply) {
			onNeighborReply(reply);
		}
		else if (message instanceof Disconnect disconnect) {
			if (dropActive(disconnect.node().id(), true)) {
				this.triedThisRound.clear();
				addPassive(disconnect.node());
				promote();
			}
		}
		else if (message instanceof Shuffle shuffle) {
			onShuffle(from, shuffle);
		}
		else if (message instanceof ShuffleReply reply) {
			integrate(reply.nodes(), this.shufflesSent.remove(reply.id()));
		}
		else if (message instanceof Leave leave) {
			onLeave(from, leave);
		}
		else if (message instanceof Probe probe) {
			tellRemoved(probe.node());
		}
		changed();
	}

	/**
	 * {@code stranger} shuffles with this node as if it were its neighbour, and it is
	 * not: a message that would have told it otherwise was lost (to a partition, say). A
	 * node that left tells it so again; a node that remembers the stranger as removed is
	 * told of its removal again, so that it leaves (a removal made across a partition
	 * reaches it this way once the partition heals); any other is told that the link is
	 * gone, so that active views become symmetric again. Answered at most once per
	 * shuffle of the stranger, which it sends once a round.
	 */
	private void answerStranger(Node stranger) {
		if (this.out) {
			// Its leave did not reach this one (lost to a partition, say).
			sendTemporarily(stranger, new Leave(self(), this.epoch - 1, self().id()));
		}
		else if (!tellRemoved(stranger)) {
			sendTemporarily(stranger, new Disconnect(self()));
		}
	}

	/**
	 * Tells {@code node}, which this node remembers as removed by another, of its removal
	 * again; returns whether it did. A removal made when the node could not be reached
	 * (its neighbours crashed, or a partition) reaches it this way when it next asks.
	 */
	private boolean tellRemoved(Node node) {
		Tombstone tombstone = this.left.get(node.id());
		if (tombstone == null || tombstone.removedBy().equals(node.id())) {
			return false;
		}
		logger.info("Node {} tells {} again that {} removed it from the cluster", self().id(), node.id(),
				tombstone.removedBy());
		sendTemporarily(node,
				new Leave(node, tombstone.epochKnown() ? tombstone.epoch() : UNKNOWN_EPOCH, tombstone.removedBy()));
		return true;
	}

	/**
	 * A node that left answers whoever asks to join it or have it as a neighbour that it
	 * left (so the asker moves on and spreads the news), and ignores the rest.
	 */
	private void whileOut(NodeId from, ControlMessage message) {
		if (message instanceof Join join) {
			sendTemporarily(join.node(), new Leave(self(), this.epoch - 1, self().id()));
		}
		else if (message instanceof Neighbor neighbor) {
			sendTemporarily(neighbor.node(), new Leave(self(), this.epoch - 1, self().id()));
		}
		else if (message instanceof Probe probe) {
			sendTemporarily(probe.node(), new Leave(self(), this.epoch - 1, self().id()));
		}
		else {
			logger.debug("Node {} has left the cluster and ignored a {} from {}", self().id(),
					message.getClass().getSimpleName(), from);
		}
	}

	/**
	 * {@code leave.node()} left or was removed: drop it from both views, remember it, and
	 * pass the news on over the active view (to the removed node too, so that it leaves)
	 * when it taught this node something. A removal of this node makes it leave. Returns
	 * when the neighbours have been told.
	 */
	private CompletableFuture<Void> onLeave(NodeId from, Leave leave) {
		Node self = self();
		NodeId gone = leave.node().id();
		if (gone.equals(self.id())) {
			boolean ownEcho = leave.removedBy().equals(self.id());
			boolean earlierSelf = leave.epoch() != UNKNOWN_EPOCH && leave.epoch() < this.epoch;
			if (ownEcho || earlierSelf) {
				return CompletableFuture.completedFuture(null);
			}
			logger.warn("Node {} leaves the cluster: {} removed it (as {} told it)", self.id(), leave.removedBy(),
					from);
			// Leave past the removal's epoch, so that joining again later is newer than
			// it.
			this.epoch = Math.max(this.epoch, leave.epoch());
			return leave();
		}
		Long known = this.epochs.get(gone);
		Tombstone before = this.left.get(gone);
		long epoch = (leave.epoch() != UNKNOWN_EPOCH) ? leave.epoch()
				: Math.max((known != null) ? known : 0, (before != null) ? before.epoch() : 0);
		if (known != null && epoch < known) {
			logger.debug("Node {} ignored a stale leave of {} (epoch {}; it joined again at {})", self.id(), gone,
					epoch, known);
			return CompletableFuture.completedFuture(null);
		}
		// A removal that does not name the epoch is of whatever incarnation the node is
		// at, possibly a later one than this node remembers leaving: it is news unless
		// this node already has it from the same remover.
		boolean unknownRemoval = leave.epoch() == UNKNOWN_EPOCH && !leave.removedBy().equals(gone);
		boolean learned = before == null || epoch > before.epoch()
				|| (unknownRemoval && (before.epochKnown() || !before.removedBy().equals(leave.removedBy())));
		boolean present = this.active.containsKey(gone) || this.passive.containsKey(gone)
				|| this.pendingNeighbors.contains(gone) || this.failing.containsKey(gone);
		if (!learned && !present) {
			return CompletableFuture.completedFuture(null);
		}
		remember(leave.node(), epoch, leave.removedBy(), leave.epoch() != UNKNOWN_EPOCH || known != null);
		if (leave.removedBy().equals(gone)) {
			logger.info("Node {} learned from {} that {} left the cluster", self.id(), from, gone);
		}
		else {
			logger.info("Node {} learned from {} that {} removed {} from the cluster", self.id(), from,
					leave.removedBy(), gone);
		}
		Leave onward = new Leave(leave.node(),
				(leave.epoch() != UNKNOWN_EPOCH || known != null) ? epoch : UNKNOWN_EPOCH, leave.removedBy());
		List<CompletableFuture<Void>> told = new ArrayList<>();
		for (Node peer : List.copyOf(this.active.values())) {
			if (!peer.id().equals(from) && !peer.id().equals(gone)) {
				told.add(ctx().send(peer.id(), onward).exceptionally((ex) -> null));
			}
		}
		Node goneActive = this.active.get(gone);
		if (goneActive != null) {
			if (!from.equals(gone) && !leave.removedBy().equals(gone)) {
				told.add(dropActiveTelling(goneActive, onward));
			}
			else {
				dropActive(gone, false);
			}
		}
		this.passive.remove(gone);
		this.failing.remove(gone);
		this.lost.remove(gone);
		leave.handover().forEach(this::addPassive);
		if (this.pendingNeighbors.remove(gone)) {
			disconnectUnlessActive(gone);
		}
		CompletableFuture<Void> join = this.pendingJoins.remove(gone);
		if (join != null) {
			join.completeExceptionally(new dev.partisan.api.JoinException("Seed '" + gone + "' has left the cluster"));
		}
		promote();
		return CompletableFuture.allOf(told.toArray(CompletableFuture[]::new));
	}

	/**
	 * Remembers that {@code node} left at {@code epoch}, for
	 * {@link #LEFT_NODES_REMEMBERED_FOR}; the oldest memory goes first when there are too
	 * many.
	 */
	private void remember(Node node, long epoch, NodeId removedBy, boolean epochKnown) {
		long shuffles = Math.max(1,
				(LEFT_NODES_REMEMBERED_FOR.toNanos() + this.settings.shuffleInterval().toNanos() - 1)
						/ this.settings.shuffleInterval().toNanos());
		this.left.remove(node.id());
		this.left.put(node.id(),
				new Tombstone(node, epoch, this.rounds, this.rounds + shuffles, removedBy, epochKnown));
		while (this.left.size() > LEFT_NODES_REMEMBERED) {
			this.left.remove(this.left.keySet().iterator().next());
		}
	}

	/**
	 * Whether {@code node}, speaking at {@code epoch}, may come into this node's views:
	 * unless it left at that epoch or a later one. A later epoch is a new join and clears
	 * the memory of the leave.
	 */
	private boolean admits(Node node, long epoch) {
		Tombstone tombstone = this.left.get(node.id());
		if (tombstone == null) {
			return true;
		}
		if (epoch > tombstone.epoch()) {
			this.left.remove(node.id());
			return true;
		}
		logger.debug("Node {} did not take {} back: it left at epoch {}, and this is from epoch {}", self().id(),
				node.id(), tombstone.epoch(), epoch);
		return false;
	}

	/**
	 * Whether {@code node} is remembered as having left or been removed (for ten minutes
	 * after this node heard of it).
	 */
	@Override
	public boolean departed(NodeId node) {
		return this.left.containsKey(node);
	}

	/**
	 * Why {@code message} from {@code from} is not taken, or {@code null} when it is: see
	 * the class comment.
	 */
	private @Nullable String refusal(NodeId from, ControlMessage message) {
		boolean neighbour = this.active.containsKey(from);
		// A walk names a node this one would then connect to (the newcomer, the
		// shuffle's origin): only a neighbour may make it dial a node it never heard of.
		if (Plumtree.carries(message) || message instanceof Shuffle) {
			return neighbour ? null : NOT_A_NEIGHBOUR;
		}
		// A node may announce its own leave to anyone; news of another's leave or removal
		// travels over active links only.
		// News of this node's own removal also comes as the answer to its asking a node
		// that remembers the removal to be a neighbour or its seed.
		if (message instanceof Leave leave) {
			boolean asked = leave.node().id().equals(self().id())
					&& (this.pendingNeighbors.contains(from) || this.pendingJoins.containsKey(from));
			return (neighbour || asked || leave.node().id().equals(from)) ? null : NOT_A_NEIGHBOUR;
		}
		if (message instanceof ForwardJoin forward) {
			if (!neighbour) {
				return NOT_A_NEIGHBOUR;
			}
			return speaksForItself(from, forward.via());
		}
		Node named = null;
		if (message instanceof Join join) {
			named = join.node();
		}
		else if (message instanceof JoinReply reply) {
			named = reply.node();
		}
		else if (message instanceof Neighbor neighbor) {
			named = neighbor.node();
		}
		else if (message instanceof NeighborReply reply) {
			named = reply.node();
		}
		else if (message instanceof Disconnect disconnect) {
			named = disconnect.node();
		}
		else if (message instanceof ShuffleReply reply) {
			named = reply.node();
		}
		else if (message instanceof Probe probe) {
			named = probe.node();
		}
		return (named != null) ? speaksForItself(from, named) : null;
	}

	private static final String NOT_A_NEIGHBOUR = "it is not an active neighbour";

	private static @Nullable String speaksForItself(NodeId from, Node named) {
		return named.id().equals(from) ? null : "it speaks for " + named.id() + ", not for itself";
	}

	private void onJoin(Join join) {
		Node newcomer = join.node();
		if (newcomer.id().equals(self().id())) {
			return;
		}
		if (!admits(newcomer, join.epoch())) {
			tellRemoved(newcomer);
			return;
		}
		addActive(newcomer, join.epoch());
		ctx().send(newcomer.id(), joinReply(newcomer));
		for (Node peer : List.copyOf(this.active.values())) {
			if (!peer.id().equals(newcomer.id())) {
				ctx().send(peer.id(),
						new ForwardJoin(newcomer, this.settings.activeRandomWalkLength(), self(), join.epoch()));
			}
		}
	}

	/** A JOIN_REPLY with a sample of both views, as large as a shuffle's. */
	private JoinReply joinReply(Node newcomer) {
		List<Node> sample = new ArrayList<>();
		for (Node node : sample(this.active.values(), this.settings.shuffleActive() + 1)) {
			if (!node.id().equals(newcomer.id()) && sample.size() < this.settings.shuffleActive()) {
				sample.add(node);
			}
		}
		sample.addAll(sample(this.passive.values(), this.settings.shufflePassive()));
		return new JoinReply(self(), this.epoch, sample);
	}

	private void onForwardJoin(ForwardJoin forward) {
		Node newcomer = forward.node();
		if (newcomer.id().equals(self().id()) || !admits(newcomer, forward.epoch())) {
			return;
		}
		if (forward.ttl() <= 0 || this.active.size() <= 1) {
			if (!this.active.containsKey(newcomer.id())) {
				addActive(newcomer, forward.epoch());
				ctx().send(newcomer.id(), joinReply(newcomer));
			}
			return;
		}
		if (forward.ttl() == this.settings.passiveRandomWalkLength()) {
			addPassive(newcomer);
		}
		Node next = randomActive(Set.of(forward.via().id(), newcomer.id()));
		if (next == null) {
			addActive(newcomer, forward.epoch());
			ctx().send(newcomer.id(), joinReply(newcomer));
			return;
		}
		ctx().send(next.id(), new ForwardJoin(newcomer, forward.ttl() - 1, self(), forward.epoch()));
	}

	private void onNeighbor(Neighbor neighbor) {
		Node asker = neighbor.node();
		boolean admitted = admits(asker, neighbor.epoch());
		if (!admitted && tellRemoved(asker)) {
			return;
		}
		boolean accept = admitted && (neighbor.highPriority() || this.active.size() < this.settings.activeMax()
				|| this.active.containsKey(asker.id()));
		if (accept) {
			addActive(asker, neighbor.epoch());
			ctx().send(asker.id(), new NeighborReply(self(), true, this.epoch));
		}
		else {
			sendTemporarily(asker, new NeighborReply(self(), false, this.epoch));
		}
	}

	private void onNeighborReply(NeighborReply reply) {
		this.pendingNeighbors.remove(reply.node().id());
		if (reply.accepted() && admits(reply.node(), reply.epoch())) {
			this.passive.remove(reply.node().id());
			addActive(reply.node(), reply.epoch());
		}
		else {
			// We asked over a connection of our own; it is no longer needed.
			disconnectUnlessActive(reply.node().id());
			promote();
		}
	}

	private void onShuffle(NodeId from, Shuffle shuffle) {
		if (shuffle.origin().id().equals(self().id()) || departed(shuffle.origin().id())) {
			return;
		}
		for (Leave leave : shuffle.left().subList(0, Math.min(LEAVES_GOSSIPED, shuffle.left().size()))) {
			if (this.out) {
				return;
			}
			onLeave(from, leave);
		}
		if (shuffle.ttl() > 0 && this.active.size() > 1) {
			Node next = randomActive(Set.of(shuffle.origin().id()));
			if (next != null) {
				ctx().send(next.id(), new Shuffle(shuffle.origin(), shuffle.ttl() - 1, shuffle.nodes(), shuffle.id(),
						shuffle.left()));
				return;
			}
		}
		List<Node> reply = sample(this.passive.values(), shuffle.nodes().size());
		sendTemporarily(shuffle.origin(), new ShuffleReply(self(), reply, shuffle.id()));
		integrate(shuffle.nodes(), reply);
	}

	/**
	 * Periodic: send a sample of both views on a random walk; the walk's end answers with
	 * its own sample.
	 */
	private void shuffle() {
		if (this.out) {
			return;
		}
		this.rounds++;
		boolean shortOfNeighbours = this.active.size() < this.settings.activeMax() && !this.passive.isEmpty();
		this.shortRounds = shortOfNeighbours ? this.shortRounds + 1 : 0;
		this.left.values().removeIf((tombstone) -> tombstone.untilRound() <= this.rounds);
		this.triedThisRound.clear();
		for (NodeId stale : this.pendingLastRound) {
			if (this.pendingNeighbors.remove(stale)) {
				disconnectUnlessActive(stale);
			}
		}
		this.pendingLastRound = Set.copyOf(this.pendingNeighbors);
		// The passive view first; lost nodes only when it has no one to ask.
		promote();
		retryLost();
		probePassive();
		Node target = randomActive(Set.of());
		if (target == null) {
			promote();
			return;
		}
		List<Node> nodes = new ArrayList<>();
		nodes.add(self());
		nodes.addAll(sample(this.active.values(), this.settings.shuffleActive()));
		nodes.addAll(sample(this.passive.values(), this.settings.shufflePassive()));
		long id = ++this.shuffleIds;
		this.shufflesSent.put(id, nodes);
		if (this.shufflesSent.size() > 16) {
			this.shufflesSent.remove(Collections.min(this.shufflesSent.keySet()));
		}
		ctx().send(target.id(), new Shuffle(self(), this.settings.activeRandomWalkLength(), nodes, id, recentLeaves()));
		if (this.active.size() < this.settings.activeMax()) {
			promote();
		}
		changed();
	}

	/**
	 * Probes one passive member a round (see {@link Probe}): HyParView tests a passive
	 * entry only when it promotes it, which a node with a full active view never does, so
	 * a member that left while the news could not reach this node (a partition whose
	 * other side all crashed or left before it healed) would stay in the passive view.
	 */
	private void probePassive() {
		List<Node> candidates = new ArrayList<>();
		for (Node node : this.passive.values()) {
			if (!this.pendingNeighbors.contains(node.id())) {
				candidates.add(node);
			}
		}
		for (Node node : sample(candidates, 1)) {
			sendTemporarily(node, new Probe(self()));
		}
	}

	/**
	 * The newest leaves and removals this node learned in the last
	 * {@link #LEAVE_GOSSIP_ROUNDS} rounds, at most {@link #LEAVES_GOSSIPED}; only those
	 * with a known epoch (one without would also remove a later incarnation).
	 */
	private List<Leave> recentLeaves() {
		List<Leave> recent = new ArrayList<>();
		List<Tombstone> newestFirst = new ArrayList<>(this.left.values());
		Collections.reverse(newestFirst);
		for (Tombstone tombstone : newestFirst) {
			if (recent.size() >= LEAVES_GOSSIPED || tombstone.sinceRound() + LEAVE_GOSSIP_ROUNDS < this.rounds) {
				break;
			}
			if (tombstone.epochKnown()) {
				recent.add(new Leave(tombstone.node(), tombstone.epoch(), tombstone.removedBy()));
			}
		}
		return recent;
	}

	/**
	 * Adds received nodes to the passive view, evicting first what we sent them, then at
	 * random.
	 */
	private void integrate(List<Node> received, @Nullable List<Node> sent) {
		List<Node> evictFirst = (sent != null) ? new ArrayList<>(sent) : new ArrayList<>();
		for (Node node : received) {
			if (node.id().equals(self().id()) || this.active.containsKey(node.id())
					|| this.passive.containsKey(node.id()) || departed(node.id())) {
				continue;
			}
			if (this.passive.size() >= this.settings.passiveMax()) {
				Node evicted = null;
				while (!evictFirst.isEmpty() && evicted == null) {
					Node candidate = evictFirst.remove(0);
					if (this.passive.containsKey(candidate.id())) {
						evicted = candidate;
					}
				}
				if (evicted == null) {
					evicted = sample(this.passive.values(), 1).get(0);
				}
				this.passive.remove(evicted.id());
			}
			this.passive.put(node.id(), node);
		}
	}

	@Override
	public void onPeerDown(Node peer) {
		if (!this.active.containsKey(peer.id()) && outOfView(peer.id())) {
			// Moved to the passive view by this node or the peer: not a failure.
			return;
		}
		boolean wasFailing = this.failing.remove(peer.id()) != null;
		if (!this.out && (this.active.containsKey(peer.id()) || wasFailing)) {
			loseContact(peer);
		}
		this.passive.remove(peer.id());
		if (dropActive(peer.id(), true)) {
			this.triedThisRound.clear();
			promote();
			changed();
		}
	}

	@Override
	public void onPeerUnreachable(NodeId peer, Throwable cause) {
		Node wasActive = this.active.get(peer);
		Node known = (wasActive != null) ? wasActive : this.passive.get(peer);
		Retry retry = this.lost.get(peer);
		if (known == null && retry != null) {
			known = retry.node();
		}
		if (known != null) {
			loseContact(known);
		}
		this.passive.remove(peer);
		if (this.pendingNeighbors.remove(peer) || wasActive != null) {
			dropActive(peer, true);
			if (wasActive != null) {
				// Still a member until the node has seen it go down: it is unreachable,
				// it did not leave.
				this.failing.put(peer, wasActive);
				ctx().scheduleOnce(Duration.ZERO, () -> {
					if (this.failing.remove(peer) != null) {
						changed();
					}
				});
			}
			promote();
			changed();
		}
		CompletableFuture<Void> join = this.pendingJoins.remove(peer);
		if (join != null) {
			join.completeExceptionally(new dev.partisan.api.JoinException(
					"Could not reach seed '" + peer + "': " + cause.getMessage(), cause));
		}
	}

	/** Remembers a node lost to a failure, to try again later (see {@link #lost}). */
	private void loseContact(Node node) {
		if (this.out || departed(node.id())) {
			return;
		}
		Retry before = this.lost.remove(node.id());
		int attempts = (before != null) ? before.attempts() : 0;
		this.lost.put(node.id(), new Retry(node, attempts, this.rounds + Math.min(1L << attempts, RETRY_ROUNDS_MAX)));
		while (this.lost.size() > this.settings.passiveMax()) {
			this.lost.remove(this.lost.keySet().iterator().next());
		}
	}

	/**
	 * While no neighbour request is pending, asks the first due lost node to be a
	 * neighbour; its next try waits twice as long. With a full active view the request is
	 * one that cannot be refused: after a partition heals, both sides may have filled
	 * their views from their own side, and only a link made across brings them back into
	 * one overlay. A lost node is asked this way once it answers, since it then becomes
	 * active and is forgotten as lost.
	 */
	private void retryLost() {
		if (!this.pendingNeighbors.isEmpty()) {
			return;
		}
		for (Retry retry : List.copyOf(this.lost.values())) {
			NodeId id = retry.node().id();
			if (departed(id) || this.active.containsKey(id)) {
				this.lost.remove(id);
			}
			else if (retry.dueRound() <= this.rounds) {
				int attempts = retry.attempts() + 1;
				this.lost.put(id, new Retry(retry.node(), attempts,
						this.rounds + Math.min(1L << Math.min(attempts, 30), RETRY_ROUNDS_MAX)));
				this.pendingNeighbors.add(id);
				ctx().connect(retry.node());
				boolean full = this.active.size() >= this.settings.activeMax();
				ctx().send(id, new Neighbor(self(), this.active.isEmpty() || full, this.epoch));
				return;
			}
		}
	}

	/**
	 * Asks a passive member to become a neighbour while the active view is short and none
	 * is asked yet.
	 */
	private void promote() {
		if (this.active.size() >= this.settings.activeMax() || !this.pendingNeighbors.isEmpty()) {
			return;
		}
		List<Node> untried = new ArrayList<>();
		for (Node node : this.passive.values()) {
			if (!this.triedThisRound.contains(node.id())) {
				untried.add(node);
			}
		}
		List<Node> candidates = sample(untried, 1);
		if (candidates.isEmpty()) {
			return;
		}
		Node candidate = candidates.get(0);
		this.triedThisRound.add(candidate.id());
		this.pendingNeighbors.add(candidate.id());
		ctx().connect(candidate);
		boolean insist = this.shortRounds >= SHORT_ROUNDS_BEFORE_INSISTING
				&& this.rounds - this.insistedAt >= RETRY_ROUNDS_MAX;
		if (insist) {
			this.insistedAt = this.rounds;
		}
		ctx().send(candidate.id(), new Neighbor(self(), this.active.isEmpty() || insist, this.epoch));
	}

	private void addActive(Node node, long epoch) {
		addActive(node);
		if (this.active.containsKey(node.id())) {
			this.epochs.merge(node.id(), epoch, Math::max);
		}
	}

	private void addActive(Node node) {
		if (node.id().equals(self().id()) || this.active.containsKey(node.id())) {
			return;
		}
		if (this.active.size() >= this.settings.activeMax()) {
			Node dropped = randomActive(Set.of());
			if (dropped != null) {
				dropActiveTelling(dropped, new Disconnect(self()));
				addPassive(dropped);
			}
		}
		this.passive.remove(node.id());
		this.failing.remove(node.id());
		this.lost.remove(node.id());
		this.active.put(node.id(), node);
		ctx().connect(node);
		this.plumtree.neighborUp(node.id());
	}

	/**
	 * Publishes next hops for the origins Plumtree knows a way back to, for other
	 * threads.
	 */
	private void publishRoutes() {
		Map<NodeId, NodeId> next = new HashMap<>();
		this.plumtree.forEachRoute((origin, via) -> {
			if (this.active.containsKey(via)) {
				next.put(NodeId.of(origin), via);
			}
		});
		this.routes = Map.copyOf(next);
	}

	/**
	 * Removes a peer from the active view and drops its connection; true if it was there.
	 */
	private boolean dropActive(NodeId peer, boolean keepConnectionIfPending) {
		Node removed = this.active.remove(peer);
		this.epochs.remove(peer);
		if (removed != null) {
			neighbourGone(peer);
		}
		if (removed != null && !(keepConnectionIfPending && this.pendingNeighbors.contains(peer))) {
			ctx().disconnect(peer);
		}
		return removed != null;
	}

	/**
	 * Removes a peer from the active view and tells it {@code farewell}, dropping the
	 * connection once that is written (dropping it at once would drop the farewell with
	 * it). Completes when it is written or cannot be.
	 */
	private CompletableFuture<Void> dropActiveTelling(Node peer, ControlMessage farewell) {
		if (this.active.remove(peer.id()) != null) {
			neighbourGone(peer.id());
		}
		this.epochs.remove(peer.id());
		return sendTemporarily(peer, farewell);
	}

	/**
	 * A neighbour is no longer one: its broadcast links go, and it is remembered as a
	 * former neighbour, so that its going is out of view, not a departure (a neighbour
	 * evicted to make room that a full passive view does not take is still a member).
	 */
	private void neighbourGone(NodeId peer) {
		this.plumtree.neighborDown(peer);
		this.formerNeighbours.remove(peer);
		this.formerNeighbours.add(peer);
		while (this.formerNeighbours.size() > this.settings.activeMax() + this.settings.passiveMax()) {
			this.formerNeighbours.remove(this.formerNeighbours.iterator().next());
		}
	}

	private void addPassive(Node node) {
		if (node.id().equals(self().id()) || this.active.containsKey(node.id()) || this.passive.containsKey(node.id())
				|| departed(node.id())) {
			return;
		}
		if (this.passive.size() >= this.settings.passiveMax()) {
			this.passive.remove(sample(this.passive.values(), 1).get(0).id());
		}
		this.passive.put(node.id(), node);
	}

	/**
	 * Sends to a node outside the active view over a short-lived connection, closed once
	 * the message is written (or after a bound, if it never is).
	 */
	private CompletableFuture<Void> sendTemporarily(Node peer, ControlMessage message) {
		if (this.active.containsKey(peer.id())) {
			return ctx().send(peer.id(), message).exceptionally((ex) -> null);
		}
		ctx().connect(peer);
		CompletableFuture<Void> sent = ctx().send(peer.id(), message)
			.whenComplete((ok, error) -> ctx().scheduleOnce(Duration.ZERO, () -> disconnectUnlessActive(peer.id())));
		ctx().scheduleOnce(TEMPORARY_CONNECTION_LIMIT, () -> disconnectUnlessActive(peer.id()));
		return sent.exceptionally((ex) -> null);
	}

	private void disconnectUnlessActive(NodeId peer) {
		if (!this.active.containsKey(peer) && !this.pendingNeighbors.contains(peer)) {
			ctx().disconnect(peer);
		}
	}

	private void completeJoin(NodeId peer) {
		CompletableFuture<Void> join = this.pendingJoins.remove(peer);
		if (join != null) {
			join.complete(null);
		}
	}

	private @Nullable Node randomActive(Set<NodeId> excluded) {
		List<Node> candidates = new ArrayList<>();
		for (Node node : sorted(this.active.values())) {
			if (!excluded.contains(node.id())) {
				candidates.add(node);
			}
		}
		return candidates.isEmpty() ? null : candidates.get(random().nextInt(candidates.size()));
	}

	/** A random sample, drawn in name order so a seeded run is repeatable. */
	private List<Node> sample(java.util.Collection<Node> from, int count) {
		List<Node> pool = sorted(from);
		Collections.shuffle(pool, random());
		return new ArrayList<>(pool.subList(0, Math.min(count, pool.size())));
	}

	private Random random() {
		return ctx().random();
	}

	private static List<Node> sorted(java.util.Collection<Node> nodes) {
		List<Node> list = new ArrayList<>(nodes);
		list.sort(java.util.Comparator.comparing(Node::name));
		return list;
	}

	@Override
	public void stop() {
		this.pendingJoins.values()
			.forEach((join) -> join.completeExceptionally(new OverlayOperationException("The node stopped")));
		this.pendingJoins.clear();
	}

}
