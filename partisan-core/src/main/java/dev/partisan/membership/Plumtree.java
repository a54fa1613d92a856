package dev.partisan.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import org.jspecify.annotations.Nullable;

/**
 * Plumtree broadcast (Leitão, Pereira, Rodrigues, "Epidemic broadcast trees", SRDS 2007)
 * over the neighbours an overlay gives it. A message is pushed eagerly along a spanning
 * tree and announced lazily (IHAVE) to the other neighbours; a duplicate prunes its link
 * from the tree, and a missing message grafts the announcing link back in, so the tree
 * repairs itself after failures. It also records, for each origin, the neighbour that
 * offered its newest broadcast at the lowest round, by the broadcast itself or by an
 * IHAVE: following those links back is a route to the origin (transitive delivery), and
 * one that takes the shortcuts the lazy links give. Following only the links broadcasts
 * first came through would walk the spanning tree, whose paths between two nodes are far
 * longer than the overlay's: up to 12 hops among 30 nodes of five neighbours each, and 28
 * among 100, in the simulator.
 *
 * <p>
 * Runs on the overlay's thread; it sends and delivers through the callbacks it is given.
 */
final class Plumtree {

	/** A broadcast: who started it, its number there, and what it carries. */
	record Id(String origin, long seq) {
	}

	record Gossip(Id id, int round, String handler, byte codec, String type, byte[] payload) implements ControlMessage {
	}

	record IHave(List<Id> ids, int round) implements ControlMessage {
	}

	record Graft(Id id, int round) implements ControlMessage {
	}

	record Prune(String from) implements ControlMessage {
	}

	/** How it reaches the rest of the node. */
	interface Host {

		OverlayContext context();

		/** Delivers a broadcast to this node's handler. */
		void deliver(Node origin, Gossip gossip);

		/** The node by name, if known (to route and graft). */
		Node nodeNamed(String name);

	}

	private final Host host;

	private final Duration graftTimeout;

	private final int keep;

	private final Set<NodeId> eager = new LinkedHashSet<>();

	private final Set<NodeId> lazy = new LinkedHashSet<>();

	/** Delivered broadcasts, kept (bounded) to answer grafts and drop duplicates. */
	private final LinkedHashMap<Id, Gossip> received = new LinkedHashMap<>();

	/** Announced but not received: who announced it, in order. */
	private final Map<Id, List<NodeId>> missing = new HashMap<>();

	/**
	 * For each origin, the way back to it; bounded like {@link #received}, the origin
	 * heard from least recently forgotten first (a peer naming made-up origins cannot
	 * grow it).
	 */
	private final LinkedHashMap<String, Route> routes = new LinkedHashMap<>(16, 0.75f, true);

	/**
	 * The way back to an origin: the neighbour that offered broadcast {@code seq} of it
	 * at the lowest {@code round} (its distance from the origin along that neighbour's
	 * way, plus one).
	 */
	private record Route(long seq, int round, NodeId via) {
	}

	private long seq;

	Plumtree(Host host, Duration graftTimeout, int keep) {
		this.host = host;
		this.graftTimeout = graftTimeout;
		this.keep = keep;
	}

	static Map<String, Class<? extends ControlMessage>> types() {
		return Map.of("plumtree.gossip", Gossip.class, "plumtree.ihave", IHave.class, "plumtree.graft", Graft.class,
				"plumtree.prune", Prune.class);
	}

	/** Whether {@code message} is one of Plumtree's own. */
	static boolean carries(ControlMessage message) {
		return message instanceof Gossip || message instanceof IHave || message instanceof Graft
				|| message instanceof Prune;
	}

	/** Starts a broadcast from this node; it is delivered here too. */
	void broadcast(String handler, byte codec, String type, byte[] payload) {
		Node self = this.host.context().localNode();
		// Numbered from the incarnation (microseconds), so that a restarted node's
		// broadcasts are newer than its earlier life's, which peers may still remember.
		this.seq = Math.max(this.seq + 1, this.host.context().incarnation());
		Gossip gossip = new Gossip(new Id(self.name(), this.seq), 0, handler, codec, type, payload);
		remember(gossip);
		this.host.deliver(self, gossip);
		push(gossip, null);
	}

	void neighborUp(NodeId peer) {
		if (!this.lazy.contains(peer)) {
			this.eager.add(peer);
		}
	}

	void neighborDown(NodeId peer) {
		this.eager.remove(peer);
		this.lazy.remove(peer);
		this.missing.values().forEach((announcers) -> announcers.remove(peer));
		this.routes.values().removeIf((route) -> route.via().equals(peer));
	}

	/** For each origin heard from, the neighbour that leads back towards it. */
	Map<String, NodeId> routes() {
		Map<String, NodeId> next = new HashMap<>();
		forEachRoute(next::put);
		return next;
	}

	/**
	 * Gives each origin heard from with the neighbour that leads back towards it, without
	 * copying the table (it is read after every broadcast message).
	 */
	void forEachRoute(BiConsumer<String, NodeId> route) {
		this.routes.forEach((origin, way) -> route.accept(origin, way.via()));
	}

	Set<NodeId> eagerPeers() {
		return Set.copyOf(this.eager);
	}

	Set<NodeId> lazyPeers() {
		return Set.copyOf(this.lazy);
	}

	boolean onMessage(NodeId from, ControlMessage message) {
		if (message instanceof Gossip gossip) {
			onGossip(from, gossip);
		}
		else if (message instanceof IHave ihave) {
			for (Id id : ihave.ids()) {
				offered(id, ihave.round(), from);
				if (!this.received.containsKey(id)) {
					List<NodeId> announcers = this.missing.computeIfAbsent(id, (k) -> new ArrayList<>());
					if (announcers.isEmpty()) {
						this.host.context().scheduleOnce(this.graftTimeout, () -> graftMissing(id, ihave.round()));
					}
					if (!announcers.contains(from)) {
						announcers.add(from);
					}
				}
			}
		}
		else if (message instanceof Graft graft) {
			this.lazy.remove(from);
			this.eager.add(from);
			Gossip known = this.received.get(graft.id());
			if (known != null) {
				this.host.context()
					.send(from, new Gossip(known.id(), graft.round() + 1, known.handler(), known.codec(), known.type(),
							known.payload()));
			}
		}
		else if (message instanceof Prune) {
			if (this.eager.remove(from)) {
				this.lazy.add(from);
			}
		}
		else {
			return false;
		}
		return true;
	}

	private void onGossip(NodeId from, Gossip gossip) {
		offered(gossip.id(), gossip.round(), from);
		if (this.received.containsKey(gossip.id())) {
			// A second copy: this link is redundant in the tree.
			if (this.eager.remove(from)) {
				this.lazy.add(from);
			}
			this.host.context().send(from, new Prune(this.host.context().localNode().name()));
			return;
		}
		remember(gossip);
		this.missing.remove(gossip.id());
		this.lazy.remove(from);
		this.eager.add(from);
		Node origin = this.host.nodeNamed(gossip.id().origin());
		this.host.deliver(origin, gossip);
		push(new Gossip(gossip.id(), gossip.round() + 1, gossip.handler(), gossip.codec(), gossip.type(),
				gossip.payload()), from);
	}

	/**
	 * Sends {@code gossip} on to the eager peers and announces it to the lazy ones,
	 * except to {@code from}, the peer it came from; {@code null} when this node starts
	 * the broadcast and every peer gets it.
	 */
	private void push(Gossip gossip, @Nullable NodeId from) {
		OverlayContext ctx = this.host.context();
		for (NodeId peer : List.copyOf(this.eager)) {
			if (!peer.equals(from)) {
				ctx.send(peer, gossip);
			}
		}
		IHave announce = new IHave(List.of(gossip.id()), gossip.round());
		for (NodeId peer : List.copyOf(this.lazy)) {
			if (!peer.equals(from)) {
				ctx.send(peer, announce);
			}
		}
	}

	/**
	 * The announced message has not come: graft the first announcer's link into the tree
	 * and ask for it.
	 */
	private void graftMissing(Id id, int round) {
		List<NodeId> announcers = this.missing.get(id);
		if (announcers == null || this.received.containsKey(id)) {
			this.missing.remove(id);
			return;
		}
		if (announcers.isEmpty()) {
			this.missing.remove(id);
			return;
		}
		NodeId announcer = announcers.remove(0);
		this.lazy.remove(announcer);
		this.eager.add(announcer);
		this.host.context().send(announcer, new Graft(id, round));
		this.host.context().scheduleOnce(this.graftTimeout.dividedBy(2), () -> graftMissing(id, round));
	}

	/**
	 * {@code from} offered broadcast {@code id} at {@code round}: it becomes the way back
	 * to the origin if the broadcast is newer than the one the route was learned from, or
	 * the same one at a lower round. A node picking the lowest round of one broadcast
	 * picks a neighbour nearer the origin, whose own pick is nearer still: the way cannot
	 * loop while the nodes on it have heard the same broadcast.
	 */
	private void offered(Id id, int round, NodeId from) {
		if (id.origin().equals(this.host.context().localNode().name())) {
			return;
		}
		Route known = this.routes.get(id.origin());
		if (known == null || id.seq() > known.seq() || (id.seq() == known.seq() && round < known.round())) {
			this.routes.put(id.origin(), new Route(id.seq(), round, from));
			if (this.routes.size() > this.keep) {
				this.routes.remove(this.routes.keySet().iterator().next());
			}
		}
	}

	private void remember(Gossip gossip) {
		this.received.put(gossip.id(), gossip);
		while (this.received.size() > this.keep) {
			this.received.remove(this.received.keySet().iterator().next());
		}
	}

}
