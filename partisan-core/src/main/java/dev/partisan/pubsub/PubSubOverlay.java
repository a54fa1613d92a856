package dev.partisan.pubsub;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.ControlMessage;
import dev.partisan.membership.Overlay;
import dev.partisan.membership.OverlayConfig;
import dev.partisan.membership.OverlayContext;
import dev.partisan.membership.OverlayFactory;
import dev.partisan.transport.TransportFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * The papers' publish-subscribe overlay: every node connects only out, to an AMQP broker.
 * Each announces itself on the membership fanout exchange every announce interval; the
 * members are the nodes heard from within the failure timeout (the node's usual up/down
 * rule, fed by those announcements). There are no seeds to contact: joining only waits
 * until the seed has been heard.
 *
 * <p>
 * Leaving announces {@link Leaving}: the others drop this node at once instead of after
 * the timeout, and it stops announcing until it joins again. Removing another node
 * publishes a {@link Leaving} for it: the others drop it, and it hears its own removal
 * and leaves, announcing its own departure as a leave does (so a node that missed the
 * removal, having restarted meanwhile, hears it from the removed node). Announcements
 * from different nodes are not ordered on the broker, so an announcement the removed node
 * made before it heard may arrive after the removal; each announcement therefore carries
 * the node's <em>epoch</em> (from the incarnation clock, larger at every start and every
 * join), and the others keep a bounded record of who left at which epoch and take back
 * only a later one: a node is re-admitted when it joins again, never by an announcement
 * still in flight from before. Closing a node without leaving is abrupt: the others
 * report it {@code UNREACHABLE} once it has been silent for the failure timeout.
 */
public final class PubSubOverlay implements Overlay {

	public static final String NAME = "pubsub";

	private static final Logger logger = LoggerFactory.getLogger(PubSubOverlay.class);

	/**
	 * A node says it is alive, and how to show it; {@code epoch} dates its latest start
	 * or join.
	 */
	public record Alive(String name, String host, @Nullable String tag, long epoch) implements ControlMessage {
	}

	/**
	 * {@code node} leaves the cluster (itself, or removed by another member): every start
	 * or join of it dated up to {@code epoch}.
	 */
	public record Leaving(String node, long epoch) implements ControlMessage {
	}

	/**
	 * A message for {@code handler} on every node: one publish to the fanout exchange
	 * reaches them all.
	 */
	public record Broadcast(String handler, byte codecId, String payloadType,
			byte[] payload) implements ControlMessage {
	}

	private final Duration announceInterval;

	/**
	 * How many departures (node and epoch) a node remembers; the oldest is forgotten
	 * first. A departure matters only until the announcements made before it have
	 * arrived, so this bounds memory without weakening the rule.
	 */
	static final int DEPARTURES_REMEMBERED = 4096;

	private final Map<NodeId, Node> members = new LinkedHashMap<>();

	/** The epoch each member announced last. */
	private final Map<NodeId, Long> epochs = new LinkedHashMap<>();

	/** Who left (or was removed), up to which epoch; insertion order is age. */
	private final Map<NodeId, Long> departures = new LinkedHashMap<>();

	private @Nullable OverlayContext context;

	private boolean left;

	/** This node's latest start or join, from the incarnation clock. */
	private long epoch;

	PubSubOverlay(Duration announceInterval) {
		this.announceInterval = announceInterval;
	}

	/**
	 * The overlay alone, announcing every {@code announceInterval}, for a context that
	 * carries announcements itself (the simulator's); with a broker, use
	 * {@link #factory}.
	 */
	public static Overlay announcingEvery(Duration announceInterval) {
		return new PubSubOverlay(Objects.requireNonNull(announceInterval, "announceInterval"));
	}

	/**
	 * The pub-sub overlay on the broker behind {@code connectionFactory} (which the
	 * caller owns and closes): pass it to {@code PartisanConfig.Builder#overlay}.
	 */
	public static OverlayFactory factory(ConnectionFactory connectionFactory, PubSubSettings settings) {
		Objects.requireNonNull(connectionFactory, "connectionFactory");
		Objects.requireNonNull(settings, "settings");
		return new OverlayFactory() {

			@Override
			public Overlay create(OverlayConfig config) {
				Duration interval = (settings.announceInterval() != null) ? settings.announceInterval()
						: config.heartbeatInterval();
				return new PubSubOverlay(interval);
			}

			@Override
			public TransportFactory transport() {
				return (transportSettings, local, incarnation, listener, timer) -> new AmqpTransport(connectionFactory,
						settings, transportSettings, local, incarnation, listener, timer);
			}

		};
	}

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public void start(OverlayContext context) {
		this.context = context;
		this.epoch = Math.max(context.incarnation(), context.epochNow());
		announce();
		context.schedule(this.announceInterval, this::announce);
	}

	private void announce() {
		OverlayContext current = context();
		if (!this.left) {
			Node local = current.localNode();
			current.announce(new Alive(local.name(), local.host(), local.tag(), this.epoch));
		}
	}

	@Override
	public CompletableFuture<Void> join(Node seed) {
		if (this.left) {
			this.left = false;
			// Later than the departure the others remember, so they take this node back.
			this.epoch = Math.max(this.epoch + 1, context().epochNow());
			announce();
		}
		// Nothing to dial: the node waits until it hears the seed's announcement.
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public CompletableFuture<Void> leave() {
		OverlayContext current = context();
		if (!this.left) {
			// The standing announcement now: repeated if the broker comes back.
			current.announce(new Leaving(current.localNode().name(), this.epoch));
			forgetEveryone();
		}
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public CompletableFuture<Void> leave(NodeId node) {
		OverlayContext current = context();
		if (node.equals(current.localNode().id())) {
			return leave();
		}
		// Not knowing its epoch, remove every start or join of it dated before now: one
		// that comes later is a new membership, and the removal does not cover it.
		Long known = this.epochs.get(node);
		long upTo = (known != null) ? known : current.epochNow();
		remember(node, upTo);
		// A one-off: the standing announcement stays this node's own.
		current.publish(new Leaving(node.name(), upTo));
		drop(node);
		return CompletableFuture.completedFuture(null);
	}

	/** A node whose departure this one remembers and that has not announced since. */
	@Override
	public boolean departed(NodeId node) {
		return this.departures.containsKey(node);
	}

	@Override
	public Set<Node> members() {
		Set<Node> all = new LinkedHashSet<>();
		all.add(context().localNode());
		all.addAll(this.members.values());
		return all;
	}

	/**
	 * Publishes the message once on the membership fanout exchange, which the broker
	 * copies to every node's queue, and delivers it here directly (a node does not
	 * consume its own publications). Best effort, like a broadcast over any overlay: a
	 * node whose queue is gone at that moment misses it.
	 */
	@Override
	public boolean broadcast(String handler, byte codecId, String payloadType, byte[] payload) {
		OverlayContext current = context();
		current.publish(new Broadcast(handler, codecId, payloadType, payload));
		current.deliver(current.localNode(), handler, codecId, payloadType, payload);
		return true;
	}

	@Override
	public Map<String, Class<? extends ControlMessage>> controlMessageTypes() {
		return Map.of("pubsub.alive", Alive.class, "pubsub.leaving", Leaving.class, "pubsub.broadcast",
				Broadcast.class);
	}

	@Override
	public void onControlMessage(NodeId from, ControlMessage message) {
		OverlayContext current = context();
		if (message instanceof Alive alive) {
			if (this.left || !alive.name().equals(from.name())) {
				return;
			}
			Long departed = this.departures.get(from);
			if (departed != null) {
				if (alive.epoch() <= departed) {
					// Announced before it left or heard of its removal: still gone.
					return;
				}
				this.departures.remove(from);
			}
			this.epochs.put(from, alive.epoch());
			Node node = new Node(from, alive.host(), 0, alive.tag());
			if (!node.equals(this.members.put(from, node))) {
				current.connect(node);
				current.membersChanged();
			}
		}
		else if (message instanceof Broadcast broadcast) {
			if (!this.left) {
				Node origin = this.members.getOrDefault(from, new Node(from, "unknown", 0, null));
				current.deliver(origin, broadcast.handler(), broadcast.codecId(), broadcast.payloadType(),
						broadcast.payload());
			}
		}
		else if (message instanceof Leaving leaving) {
			NodeId node = NodeId.of(leaving.node());
			if (node.equals(current.localNode().id())) {
				// A removal of this node's earlier membership does not end this one.
				if (!this.left && leaving.epoch() >= this.epoch) {
					logger.warn("Node {} leaves the cluster: {} removed it", node, from);
					// Its own departure too, as a leave: a node that missed the removal
					// (it restarted meanwhile) hears it from the removed node itself.
					leave();
				}
			}
			else {
				remember(node, leaving.epoch());
				Long known = this.epochs.get(node);
				if (known == null || known <= leaving.epoch()) {
					drop(node);
				}
			}
		}
	}

	/**
	 * This node is out: it stops announcing and forgets the members until it joins again.
	 */
	private void forgetEveryone() {
		OverlayContext current = context();
		this.left = true;
		this.members.keySet().forEach(current::disconnect);
		this.members.clear();
		this.epochs.clear();
		current.membersChanged();
	}

	/** {@code node} is gone up to {@code upTo}; the oldest record makes room. */
	private void remember(NodeId node, long upTo) {
		Long before = this.departures.remove(node);
		this.departures.put(node, (before != null) ? Math.max(before, upTo) : upTo);
		while (this.departures.size() > DEPARTURES_REMEMBERED) {
			this.departures.remove(this.departures.keySet().iterator().next());
		}
	}

	private void drop(NodeId node) {
		this.epochs.remove(node);
		if (this.members.remove(node) != null) {
			context().disconnect(node);
			context().membersChanged();
		}
	}

	@Override
	public void onPeerDown(Node peer) {
		// Silent for the failure timeout: forgotten until it announces itself again.
		drop(peer.id());
	}

	/**
	 * Never heard since it was admitted (an announcement that waited in this node's queue
	 * while the other crashed): forgotten like a silent one.
	 */
	@Override
	public void onPeerUnreachable(NodeId peer, Throwable cause) {
		drop(peer);
	}

	/**
	 * The others drop a node that left at once, so a graceful shutdown reports it
	 * {@code LEFT}; a close alone says nothing and is reported {@code UNREACHABLE} after
	 * the failure timeout, like a crash.
	 */
	@Override
	public boolean leavesOnShutdown() {
		return true;
	}

	@Override
	public void stop() {
		// Nothing to say: stopping is not leaving (see leavesOnShutdown).
	}

	private OverlayContext context() {
		OverlayContext current = this.context;
		if (current == null) {
			throw new IllegalStateException("The pubsub overlay is not started");
		}
		return current;
	}

}
