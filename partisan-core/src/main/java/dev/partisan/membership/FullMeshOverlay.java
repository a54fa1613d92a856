package dev.partisan.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.partisan.api.JoinException;
import dev.partisan.api.LogText;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.OverlayOperationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node connects to every other — or, with a {@link Reach} other than
 * {@link Reach#ALL}, to the nodes the reach allows (the client-server overlay is this
 * overlay with client-server reach). The membership is a {@link MemberSet} CRDT: a node
 * pushes its state to every member whenever it changes and to all connected members every
 * gossip interval, and answers a state that differs from its own with its own, so all
 * replicas converge. A leave is a removal in the CRDT, so it sticks; a node that finds
 * itself removed resets to a cluster of one.
 *
 * <p>
 * Leaving and removal:
 * <ul>
 * <li>{@link #leave()}: the node marks itself removed at a version above its own (its
 * tombstone), sends that state (its farewell) to every member it connects to, whether or
 * not the connection is open yet, waits at most {@link #FAREWELL_WAIT} for the farewells
 * to be written, then closes its connections and stays on its own. The others drop it as
 * LEFT; nodes leaving at the same moment each reach the others with their own
 * farewell.</li>
 * <li>{@link #leave(NodeId)}: the node removes the other at a version above the one it
 * knows, sends it a {@link LeaveRequest} and gossips the removal. Every member that
 * merges a removal of a member it connects to (other than that member's own farewell)
 * sends it the new state before dropping it, so the removed node is told even when the
 * remover does not connect to it (a client removed by another client hears it from its
 * server), and leaves at once.</li>
 * <li>Causality: a tombstone for a node at version {@code v} beats every entry of that
 * node at {@code v} or below (see {@link MemberEntry#supersedes}), so no join or gossip
 * still in flight can undo it. A node that left stays present only to itself at
 * {@code v}, which its tombstone beats, and ignores every gossip that mentions it from
 * anyone but a seed it is joining (that is the cluster it left, still talking), until it
 * joins again. Only its own {@link #join} — which bumps its version to {@code v + 1} — or
 * a restart (a larger incarnation) re-admits it. A join racing a removal is resolved by
 * version, the same on every replica: the removal wins unless the rejoin carries a higher
 * version. A node that left and is then joined by a node that never knew it (a gossip
 * that does not mention it) starts a cluster anew.</li>
 * </ul>
 *
 * <p>
 * Who may ask what ({@code from} is the sender's identity from its connection):
 * <ul>
 * <li>{@code full-mesh.leave} (leave the cluster) is obeyed only from a current member:
 * any member may remove another, as {@code Partisan.leave(NodeId)} documents; from anyone
 * else it is ignored.</li>
 * <li>{@code full-mesh.gossip} from a current member (or from the seed this node is
 * joining through) is merged whole: members spread each other's removals and farewells,
 * and this node's own removal makes it leave.</li>
 * <li>{@code full-mesh.gossip} from anyone else may introduce its sender (that is how a
 * node joins, or rejoins after a leave) and change the sender's own entry (its own
 * farewell); every other entry in it is ignored, so a stranger can neither remove,
 * revive, re-address nor invent members.</li>
 * <li>One gossip adds at most {@link #MAX_NEW_MEMBERS_PER_GOSSIP} members this node did
 * not know.</li>
 * </ul>
 * A refusal is logged at WARN, once a minute per sender at most.
 */
public final class FullMeshOverlay implements Overlay {

	public static final String NAME = "full-mesh";

	private static final Logger logger = LoggerFactory.getLogger(FullMeshOverlay.class);

	/**
	 * The most members one gossip may add that this node did not know. Each new member is
	 * a connection this node opens at once, and a gossip is one frame: without a bound a
	 * single frame could make a node dial thousands of made-up addresses. A real cluster
	 * larger than this still converges: the rest arrive with the next gossip rounds, this
	 * many at a time.
	 */
	public static final int MAX_NEW_MEMBERS_PER_GOSSIP = 1024;

	/**
	 * How long a leaving node waits for its farewell to be written to every member (and a
	 * node that drops a removed member, for the notice to be written to it) before it
	 * closes those connections anyway.
	 */
	static final Duration FAREWELL_WAIT = Duration.ofSeconds(1);

	/** The membership state, pushed between members. */
	public record Gossip(List<MemberEntry> members) implements ControlMessage {
	}

	/** Asks the receiver to leave the cluster. */
	public record LeaveRequest(String reason) implements ControlMessage {
	}

	/**
	 * Which members a node connects to (and lists as its members). Asked from any thread
	 * ({@link #nextHop} runs on senders' threads), so an implementation must be stateless
	 * or thread-safe, and give the same answer for the same two nodes.
	 */
	@FunctionalInterface
	public interface Reach {

		/** Everyone connects to everyone. */
		Reach ALL = (self, other) -> true;

		boolean connects(Node self, Node other);

		/**
		 * Whether {@code node} passes on messages between members that do not connect (a
		 * server in client-server), and so may vouch for their origin.
		 */
		default boolean relays(Node node) {
			return false;
		}

	}

	private final String name;

	private final Reach reach;

	private final Duration gossipInterval;

	/**
	 * The members this node may route through, for {@link #nextHop}; read from any
	 * thread.
	 */
	private volatile java.util.List<Node> connectedSnapshot = List.of();

	/**
	 * The members present, by id, for {@link #nextHop} and {@link #relaysFor}; read from
	 * any thread.
	 */
	private final Map<NodeId, Node> aliveSnapshot = new ConcurrentHashMap<>();

	private final Refusals refusals = new Refusals(logger);

	private final MemberSet state = new MemberSet();

	/** Derived from {@link #state}; recomputed when it has changed since. */
	private @Nullable Derived derived;

	private final Map<NodeId, CompletableFuture<Void>> pendingJoins = new HashMap<>();

	/**
	 * Removed members this node is telling of their removal: their connections stay open
	 * until the notice is written (or {@link #FAREWELL_WAIT} passes).
	 */
	private final Set<NodeId> notifying = new HashSet<>();

	/**
	 * Whether this node left (or was removed) and has not joined again since: it then
	 * ignores the gossip of the cluster it left, and its own entry stays at the version
	 * of its tombstone, which that tombstone beats, until an explicit {@link #join} bumps
	 * it.
	 */
	private boolean out;

	/**
	 * While {@link #out}: the state this node left with (its own tombstone, and every
	 * removal it knew of), to answer a member that still lists it — one that missed the
	 * farewell, being partitioned away or not yet connected when it went out.
	 */
	private @Nullable Gossip farewell;

	private @Nullable OverlayContext context;

	public FullMeshOverlay(Duration gossipInterval) {
		this(NAME, gossipInterval, Reach.ALL);
	}

	public FullMeshOverlay(String name, Duration gossipInterval, Reach reach) {
		this.name = name;
		this.gossipInterval = gossipInterval;
		this.reach = reach;
	}

	@Override
	public String name() {
		return this.name;
	}

	/**
	 * The farewell reaches every member this node is connected to, and through them (the
	 * servers, in client-server) everyone else, so the others drop this node at once as
	 * left instead of after the failure timeout as unreachable.
	 */
	@Override
	public boolean leavesOnShutdown() {
		return true;
	}

	@Override
	public Map<String, Class<? extends ControlMessage>> controlMessageTypes() {
		return Map.of("full-mesh.gossip", Gossip.class, "full-mesh.leave", LeaveRequest.class);
	}

	@Override
	public void start(OverlayContext context) {
		this.context = context;
		this.state.add(context.localNode(), context.incarnation());
		context.schedule(this.gossipInterval, () -> gossip(true));
	}

	private OverlayContext ctx() {
		if (this.context == null) {
			throw new IllegalStateException("The overlay is not started");
		}
		return this.context;
	}

	@Override
	public CompletableFuture<Void> join(Node seed) {
		OverlayContext ctx = ctx();
		if (seed.id().equals(ctx.localNode().id())) {
			return CompletableFuture.failedFuture(new OverlayOperationException("A node cannot join itself"));
		}
		MemberEntry known = this.state.get(seed.id());
		if (known != null && !known.removed()) {
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<Void> joined = this.pendingJoins.computeIfAbsent(seed.id(),
				(id) -> new CompletableFuture<>());
		if (this.out) {
			// The explicit rejoin: a version above the tombstone the cluster holds for
			// this node, so the cluster takes it back.
			MemberEntry self = this.state.get(ctx.localNode().id());
			long version = (self != null) ? self.version() : ctx.incarnation();
			this.state.add(ctx.localNode(), version + 1);
			this.out = false;
			this.farewell = null;
		}
		ctx.connect(seed);
		// Joining through a node this one knows removed asks it back: the seed is not
		// shown its own removal, or it would take this gossip for the cluster it left
		// still talking.
		List<MemberEntry> entries = new ArrayList<>(this.state.entries());
		entries.removeIf((entry) -> entry.node().id().equals(seed.id()) && entry.removed());
		ctx.send(seed.id(), new Gossip(entries));
		return joined;
	}

	/**
	 * A pending join through an unreachable seed fails; the seed is forgotten unless it
	 * is a member.
	 */
	@Override
	public void onPeerUnreachable(NodeId seed, Throwable cause) {
		CompletableFuture<Void> pending = this.pendingJoins.remove(seed);
		if (pending != null) {
			MemberEntry known = this.state.get(seed);
			if (known == null || known.removed()) {
				ctx().disconnect(seed);
			}
			pending.completeExceptionally(
					new JoinException("Could not reach seed '" + seed + "': " + cause.getMessage(), cause));
		}
	}

	/**
	 * Marks this node removed, sends that state (the farewell) to every member it
	 * connects to, whether or not the connection is open yet, and once each farewell is
	 * written — or after {@link #FAREWELL_WAIT} — closes the connections and stays on its
	 * own, out of the cluster until it joins again.
	 */
	@Override
	public CompletableFuture<Void> leave() {
		OverlayContext ctx = ctx();
		Node self = ctx.localNode();
		CompletableFuture<Void> done = new CompletableFuture<>();
		if (this.out) {
			done.complete(null);
			return done;
		}
		long version = this.state.remove(self.id());
		this.out = true;
		List<CompletableFuture<Void>> told = new ArrayList<>();
		Gossip farewell = new Gossip(this.state.snapshot());
		this.farewell = farewell;
		for (Node member : others()) {
			told.add(ctx.send(member.id(), farewell).exceptionally((ex) -> null));
		}
		// A join still in flight is overtaken by this leave: its seed may have taken this
		// node in already, so it is told too, and what it answers is no longer taken.
		List<NodeId> seeds = List.copyOf(this.pendingJoins.keySet());
		for (NodeId seed : seeds) {
			if (!isMember(seed)) {
				told.add(ctx.send(seed, farewell).exceptionally((ex) -> null));
			}
			CompletableFuture<Void> join = this.pendingJoins.remove(seed);
			if (join != null) {
				join.completeExceptionally(new OverlayOperationException("The node left before the join completed"));
			}
		}
		Runnable alone = () -> {
			if (!done.isDone()) {
				seeds.forEach(ctx::disconnect);
				becomeAlone(version);
				done.complete(null);
			}
		};
		CompletableFuture.allOf(told.toArray(CompletableFuture[]::new))
			.whenComplete((ok, ex) -> ctx.scheduleOnce(Duration.ZERO, alone));
		ctx.scheduleOnce(FAREWELL_WAIT, alone);
		return done;
	}

	@Override
	public CompletableFuture<Void> leave(NodeId node) {
		OverlayContext ctx = ctx();
		if (node.equals(ctx.localNode().id())) {
			return leave();
		}
		if (this.state.remove(node) < 0) {
			return CompletableFuture
				.failedFuture(new OverlayOperationException("Node '" + node + "' is not a member; nothing to remove"));
		}
		CompletableFuture<Void> told = ctx.send(node, new LeaveRequest("removed by " + ctx.localNode().id()))
			.exceptionally((ex) -> null);
		gossip(false);
		ctx.membersChanged();
		return told.whenComplete((ok, ex) -> ctx.scheduleOnce(Duration.ZERO, () -> dropIfRemoved(node)));
	}

	private void dropIfRemoved(NodeId node) {
		MemberEntry entry = this.state.get(node);
		if (entry != null && entry.removed()) {
			ctx().disconnect(node);
		}
	}

	/** A node whose latest entry here is its tombstone: it left or was removed. */
	@Override
	public boolean departed(NodeId node) {
		MemberEntry entry = this.state.get(node);
		return entry != null && entry.removed();
	}

	@Override
	public Set<Node> members() {
		return derived().members();
	}

	/**
	 * A member this node does not connect to is reached through one it does (a client
	 * through a server): the first such member whose control connection is open.
	 */
	@Override
	public @Nullable NodeId nextHop(NodeId destination) {
		OverlayContext ctx = this.context;
		Node known = this.aliveSnapshot.get(destination);
		if (ctx == null || known == null || destination.equals(ctx.localNode().id())
				|| this.reach.connects(ctx.localNode(), known)) {
			return null;
		}
		for (Node candidate : this.connectedSnapshot) {
			if (!candidate.id().equals(destination) && ctx.isConnected(candidate.id())) {
				return candidate.id();
			}
		}
		return null;
	}

	/**
	 * A member the reach makes a relay (a server) relays for everyone: it passes on
	 * messages between members that do not connect, and vouches only for what its own
	 * connections send it.
	 */
	@Override
	public boolean relaysFor(NodeId relay, NodeId origin) {
		Node relaying = this.aliveSnapshot.get(relay);
		return relaying != null && !relay.equals(origin) && this.reach.relays(relaying);
	}

	@Override
	public void onControlMessage(NodeId from, ControlMessage message) {
		if (message instanceof Gossip gossip) {
			onGossip(from, gossip);
		}
		else if (message instanceof LeaveRequest request) {
			onLeaveRequest(from, request);
		}
	}

	/** Only a current member may remove this node (Partisan.leave(NodeId)). */
	private void onLeaveRequest(NodeId from, LeaveRequest request) {
		NodeId self = ctx().localNode().id();
		if (this.out) {
			logger.debug("Node {} has left already; request to leave from {} ignored", self, from);
			return;
		}
		if (from.equals(self) || !isMember(from)) {
			this.refusals.warn(from, "Node {} ignored a request to leave the cluster from {}, which is not a member",
					self, from);
			return;
		}
		logger.warn("Node {} leaves the cluster at the request of member {}: {}", self, from,
				LogText.escape(request.reason()));
		leave();
	}

	/** Whether {@code node} is present in this node's membership. */
	private boolean isMember(NodeId node) {
		MemberEntry entry = this.state.get(node);
		return entry != null && !entry.removed();
	}

	private void onGossip(NodeId from, Gossip gossip) {
		OverlayContext ctx = ctx();
		Node self = ctx.localNode();
		if (this.out && !this.pendingJoins.containsKey(from) && mentions(gossip, self.id())) {
			// The cluster this node left, still talking (a gossip in flight, or one sent
			// before the farewell arrived): none of it is taken, so none of it brings
			// this
			// node back. A sender that still lists this node missed the farewell (it was
			// partitioned away, or the farewell was lost): it gets it again, else it
			// would
			// keep this node as a member for good.
			logger.debug("Node {} has left; gossip from {} about the cluster it left ignored", self.id(), from);
			Gossip told = this.farewell;
			if (told != null && listsPresent(gossip, self.id())) {
				sendOnce(from, gossip, told);
			}
			return;
		}
		// A node that left and is joined by a node that never knew it starts a cluster
		// anew: the joiner's gossip names the joiner as a member. A leaver's farewell
		// (its own tombstone alone) does not mention this node either, and is no join.
		boolean joinedAnew = this.out && !mentions(gossip, self.id()) && namesItselfMember(gossip, from);
		MemberEntry mine = this.state.get(self.id());
		Set<Node> aliveBefore = presentButRemovedIn(gossip);
		long changesBefore = this.state.changes();
		Intake intake = admissible(from, gossip.members());
		boolean changed = this.state.merge(intake.taken());
		// Every entry of the gossip is now this node's, and this node has no other: its
		// state is the gossip's.
		boolean sameAsGossip = intake.matches() && this.state.size() == gossip.members().size();
		MemberEntry merged = this.state.get(self.id());
		if (mine != null && merged != null && merged.removed()) {
			logger.warn("Node {} learned from member {} that it was removed from the cluster; it is now on its own",
					self.id(), from);
			this.out = true;
			this.farewell = new Gossip(this.state.snapshot());
			becomeAlone(merged.version());
			return;
		}
		if (changed) {
			if (joinedAnew) {
				// Being joined anew is joining again: above the tombstone the old cluster
				// holds, or that tombstone removes this node once the two clusters meet.
				this.out = false;
				this.farewell = null;
				this.state.add(self, (mine != null) ? mine.version() + 1 : ctx.incarnation());
			}
			tellRemoved(from, aliveBefore);
			if (joinedAnew) {
				applyConnections();
			}
			else {
				applyConnections(intake.taken(), changesBefore);
			}
			completeJoins();
			ctx.membersChanged();
			// A sender whose gossip this node now equals has nothing to learn from it: on
			// client-server every client took each join from the server and sent the
			// whole membership straight back, a thousand copies of a thousand entries per
			// join at a thousand members.
			gossip(false, (sameAsGossip && !joinedAnew) ? from : null);
		}
		else if (!sameAsGossip && ctx.isConnected(from)) {
			ctx.send(from, new Gossip(this.state.snapshot()));
		}
		if (missedItsRemoval(from, gossip)) {
			// A node removed while it could not hear it (partitioned away, or its notice
			// was lost) still gossips as a member; this node no longer connects to it, so
			// it would never learn. It is told now, and leaves.
			sendOnce(from, gossip, new Gossip(this.state.snapshot()));
		}
	}

	/**
	 * Whether {@code from} was removed here, yet its gossip still lists it present at a
	 * version its removal supersedes.
	 */
	private boolean missedItsRemoval(NodeId from, Gossip gossip) {
		MemberEntry known = this.state.get(from);
		if (known == null || !known.removed()) {
			return false;
		}
		for (MemberEntry entry : gossip.members()) {
			if (entry.node().id().equals(from)) {
				return !entry.removed() && known.supersedes(entry);
			}
		}
		return false;
	}

	private static boolean listsPresent(Gossip gossip, NodeId node) {
		for (MemberEntry entry : gossip.members()) {
			if (entry.node().id().equals(node)) {
				return !entry.removed();
			}
		}
		return false;
	}

	/**
	 * Sends {@code told} to {@code to} (the sender of {@code gossip}, whose address is in
	 * it) over a connection of its own, closed once it is written or after
	 * {@link #FAREWELL_WAIT} unless {@code to} is a member by then; at most one at a time
	 * per node.
	 */
	private void sendOnce(NodeId to, Gossip gossip, Gossip told) {
		OverlayContext ctx = ctx();
		Node sender = null;
		for (MemberEntry entry : gossip.members()) {
			if (entry.node().id().equals(to)) {
				sender = entry.node();
			}
		}
		if (sender == null || !this.notifying.add(to)) {
			return;
		}
		Runnable drop = () -> {
			if (this.notifying.remove(to) && !isMember(to) && !this.pendingJoins.containsKey(to)) {
				ctx.disconnect(to);
			}
		};
		ctx.connect(sender);
		ctx.send(to, told).whenComplete((ok, ex) -> ctx.scheduleOnce(Duration.ZERO, drop));
		ctx.scheduleOnce(FAREWELL_WAIT, drop);
	}

	private static boolean namesItselfMember(Gossip gossip, NodeId sender) {
		for (MemberEntry entry : gossip.members()) {
			if (entry.node().id().equals(sender) && !entry.removed()) {
				return true;
			}
		}
		return false;
	}

	private static boolean mentions(Gossip gossip, NodeId node) {
		for (MemberEntry entry : gossip.members()) {
			if (entry.node().id().equals(node)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Tells each member this gossip removed, and that this node connects to, of its
	 * removal before dropping it: in client-server a client removed by another client is
	 * not connected to it, and hears it from its server. A node that left on its own (the
	 * gossip is its farewell) needs no telling.
	 */
	/**
	 * The members present here that {@code gossip} says are removed: the only ones its
	 * merge can remove (a gossip repeating the membership removes none, and building the
	 * whole present set for each one was a hot spot at a thousand nodes).
	 */
	private Set<Node> presentButRemovedIn(Gossip gossip) {
		Set<NodeId> removed = new HashSet<>();
		for (MemberEntry entry : gossip.members()) {
			if (entry.removed()) {
				removed.add(entry.node().id());
			}
		}
		if (removed.isEmpty()) {
			return Set.of();
		}
		// In the membership's own order, so that the notices go out as they always did.
		Set<Node> present = new LinkedHashSet<>();
		for (Node node : this.state.alive()) {
			if (removed.contains(node.id())) {
				present.add(node);
			}
		}
		return present;
	}

	private void tellRemoved(NodeId from, Set<Node> aliveBefore) {
		OverlayContext ctx = ctx();
		Node self = ctx.localNode();
		Gossip notice = null;
		for (Node node : aliveBefore) {
			NodeId id = node.id();
			MemberEntry now = this.state.get(id);
			if (id.equals(self.id()) || id.equals(from) || now == null || !now.removed()
					|| !this.reach.connects(self, node) || !ctx.isConnected(id) || !this.notifying.add(id)) {
				continue;
			}
			if (notice == null) {
				notice = new Gossip(this.state.snapshot());
			}
			Runnable drop = () -> {
				if (this.notifying.remove(id)) {
					dropIfRemoved(id);
				}
			};
			ctx.send(id, notice).whenComplete((ok, ex) -> ctx.scheduleOnce(Duration.ZERO, drop));
			ctx.scheduleOnce(FAREWELL_WAIT, drop);
		}
	}

	/**
	 * The entries of a gossip from {@code from} that this node takes: all of them from a
	 * member or the seed being joined, else only the sender's own; and of the nodes this
	 * node did not know, {@link #MAX_NEW_MEMBERS_PER_GOSSIP} at most.
	 */
	private Intake admissible(NodeId from, List<MemberEntry> entries) {
		boolean trusted = isMember(from) || this.pendingJoins.containsKey(from);
		boolean matches = true;
		List<MemberEntry> taken = new ArrayList<>(Math.min(entries.size(), MAX_NEW_MEMBERS_PER_GOSSIP));
		int added = 0;
		int refused = 0;
		int unintroduced = 0;
		int overBound = 0;
		for (MemberEntry entry : entries) {
			NodeId id = entry.node().id();
			MemberEntry known = this.state.get(id);
			if (!trusted && !id.equals(from)) {
				// A node new to this one comes through a member's gossip instead (a
				// joiner
				// bringing its old cluster along is heard from again once it is a
				// member);
				// only a change to a known member is worth a warning.
				if (known == null) {
					unintroduced++;
					matches = false;
				}
				else if (entry.supersedes(known)) {
					refused++;
					matches = false;
				}
				else {
					matches &= entry.equals(known);
				}
			}
			else if (known != null) {
				if (entry.supersedes(known)) {
					// What would not change the known entry is not taken: merging it is a
					// no-op, and a member of a large cluster would look every entry up
					// twice.
					taken.add(entry);
				}
				else {
					matches &= entry.equals(known);
				}
			}
			else if (added < MAX_NEW_MEMBERS_PER_GOSSIP) {
				added++;
				taken.add(entry);
			}
			else {
				overBound++;
				matches = false;
			}
		}
		if (refused > 0) {
			this.refusals.warn(from,
					"Node {} ignored {} membership change(s) gossiped by {}, which is not a member: "
							+ "a node that is not a member may only introduce or change itself",
					ctx().localNode().id(), refused, from);
		}
		if (unintroduced > 0) {
			logger.debug("Node {} left {} node(s) gossiped by {} for a member to introduce", ctx().localNode().id(),
					unintroduced, from);
		}
		if (overBound > 0) {
			this.refusals.warn(from,
					"Node {} took {} new members from a gossip by {} and left {} for later gossip rounds: "
							+ "one gossip adds at most {}",
					ctx().localNode().id(), added, from, overBound, MAX_NEW_MEMBERS_PER_GOSSIP);
		}
		return new Intake(taken, matches);
	}

	/**
	 * What {@link #admissible} takes of a gossip, and whether every entry of the gossip
	 * is, once those are merged, the entry this node holds: with as many entries as this
	 * node then holds, its state is the gossip's, found without comparing them again.
	 */
	private record Intake(List<MemberEntry> taken, boolean matches) {
	}

	@Override
	public void onPeerUp(Node peer) {
		ctx().send(peer.id(), new Gossip(this.state.snapshot()));
	}

	/**
	 * Forgets every member and stays present only to itself, at {@code version}: the
	 * version of this node's tombstone, which the tombstone beats, so nothing this node
	 * says before it joins again can undo its removal. The removals of others it knows
	 * are kept, so a cluster it starts anew does not take back a node it removed.
	 */
	private void becomeAlone(long version) {
		OverlayContext ctx = ctx();
		this.notifying.clear();
		for (MemberEntry entry : this.state.entries()) {
			if (!entry.node().id().equals(ctx.localNode().id())) {
				ctx.disconnect(entry.node().id());
			}
		}
		this.state.resetTo(ctx.localNode(), version);
		applyConnections();
		ctx.membersChanged();
	}

	/** Connects to, or disconnects from, every member as the membership now says. */
	private void applyConnections() {
		OverlayContext ctx = ctx();
		Node self = ctx.localNode();
		for (MemberEntry entry : this.state.snapshot()) {
			applyConnection(ctx, self, entry);
		}
		this.aliveSnapshot.keySet().removeIf((id) -> {
			MemberEntry entry = this.state.get(id);
			return entry == null || entry.removed();
		});
		publishConnected();
	}

	/**
	 * As {@link #applyConnections()}, for the members whose entries {@code changed}
	 * (those a gossip brought; the membership had seen {@code changesBefore} changes
	 * before it): the others' connections are as they were. A change to no member this
	 * node connects to (on client-server, a client's news of another client) leaves its
	 * members as they were too, so they are not derived again: each of a thousand joins
	 * would otherwise cost every client a pass over a thousand members.
	 */
	private void applyConnections(List<MemberEntry> changed, long changesBefore) {
		OverlayContext ctx = ctx();
		Node self = ctx.localNode();
		boolean membersChanged = false;
		for (MemberEntry taken : changed) {
			MemberEntry entry = this.state.get(taken.node().id());
			if (entry != null) {
				membersChanged |= entry.node().id().equals(self.id()) || this.reach.connects(self, entry.node());
				applyConnection(ctx, self, entry);
			}
		}
		Derived known = this.derived;
		if (!membersChanged && known != null && known.changes() == changesBefore) {
			this.derived = new Derived(this.state.changes(), known.members(), known.others());
		}
		else {
			publishConnected();
		}
	}

	private void applyConnection(OverlayContext ctx, Node self, MemberEntry entry) {
		NodeId id = entry.node().id();
		if (entry.removed()) {
			this.aliveSnapshot.remove(id);
		}
		else {
			this.aliveSnapshot.put(id, entry.node());
		}
		if (id.equals(self.id())) {
			return;
		}
		if (entry.removed() || !this.reach.connects(self, entry.node())) {
			if (!this.pendingJoins.containsKey(id) && !this.notifying.contains(id)) {
				ctx.disconnect(id);
			}
		}
		else {
			ctx.connect(entry.node());
		}
	}

	private void publishConnected() {
		this.connectedSnapshot = derived().others()
			.stream()
			.sorted(java.util.Comparator.comparing(Node::name))
			.toList();
	}

	/**
	 * Completes the joins whose seed is now a member, and connects to (or disconnects
	 * from) each such seed as the membership says, now that no join holds it.
	 */
	private void completeJoins() {
		List<MemberEntry> completed = new ArrayList<>();
		this.pendingJoins.entrySet().removeIf((pending) -> {
			MemberEntry entry = this.state.get(pending.getKey());
			if (entry != null && !entry.removed()) {
				pending.getValue().complete(null);
				completed.add(entry);
				return true;
			}
			return false;
		});
		if (!completed.isEmpty()) {
			OverlayContext ctx = ctx();
			completed.forEach((entry) -> applyConnection(ctx, ctx.localNode(), entry));
		}
	}

	/** The members this node connects to, itself excluded. */
	private List<Node> others() {
		return derived().others();
	}

	/** The views of the membership as it is now, computed once per change of it. */
	private Derived derived() {
		Derived current = this.derived;
		if (current == null || current.changes() != this.state.changes()) {
			current = Derived.of(this.state, ctx().localNode(), this.reach);
			this.derived = current;
		}
		return current;
	}

	/**
	 * What this node derives from the membership: its {@link #members()} and the members
	 * it connects to. The collections are read-only and never change once built, so they
	 * are handed out as they are.
	 */
	private record Derived(long changes, Set<Node> members, List<Node> others) {

		static Derived of(MemberSet state, Node self, Reach reach) {
			Set<Node> members = new LinkedHashSet<>();
			List<Node> others = new ArrayList<>();
			List<MemberEntry> entries = state.snapshot();
			// In the membership's own order (MemberSet.alive()'s), as members() always
			// was.
			for (MemberEntry entry : entries) {
				if (entry.removed()) {
					continue;
				}
				Node node = entry.node();
				if (node.id().equals(self.id())) {
					members.add(node);
				}
				else if (reach.connects(self, node)) {
					members.add(node);
					others.add(node);
				}
			}
			return new Derived(state.changes(), Collections.unmodifiableSet(members),
					Collections.unmodifiableList(others));
		}

	}

	/**
	 * Pushes the state to every member (on a change), or to those connected now (periodic
	 * anti-entropy).
	 */
	private void gossip(boolean connectedOnly) {
		gossip(connectedOnly, null);
	}

	/** As {@link #gossip(boolean)}, to every member but {@code except}. */
	private void gossip(boolean connectedOnly, @Nullable NodeId except) {
		// Built for the first recipient: a client whose only server is the sender has
		// none, and would copy the whole membership for nothing.
		Gossip gossip = null;
		for (Node member : others()) {
			if (!member.id().equals(except) && (!connectedOnly || ctx().isConnected(member.id()))) {
				if (gossip == null) {
					gossip = new Gossip(this.state.snapshot());
				}
				ctx().send(member.id(), gossip);
			}
		}
	}

	@Override
	public void stop() {
		this.pendingJoins.values()
			.forEach((pending) -> pending.completeExceptionally(new OverlayOperationException("The node stopped")));
		this.pendingJoins.clear();
	}

}
