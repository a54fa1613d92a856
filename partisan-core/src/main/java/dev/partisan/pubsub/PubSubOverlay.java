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
 * the timeout, and it stops announcing until it joins again.
 */
public final class PubSubOverlay implements Overlay {

	public static final String NAME = "pubsub";

	/** A node says it is alive, and how to show it. */
	public record Alive(String name, String host, @Nullable String tag) implements ControlMessage {
	}

	/** {@code node} leaves the cluster (itself, or removed by another member). */
	public record Leaving(String node) implements ControlMessage {
	}

	/**
	 * A message for {@code handler} on every node: one publish to the fanout exchange
	 * reaches them all.
	 */
	public record Broadcast(String handler, byte codecId, String payloadType,
			byte[] payload) implements ControlMessage {
	}

	private final Duration announceInterval;

	private final Map<NodeId, Node> members = new LinkedHashMap<>();

	private @Nullable OverlayContext context;

	private boolean left;

	PubSubOverlay(Duration announceInterval) {
		this.announceInterval = announceInterval;
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
		announce();
		context.schedule(this.announceInterval, this::announce);
	}

	private void announce() {
		OverlayContext current = context();
		if (!this.left) {
			Node local = current.localNode();
			current.announce(new Alive(local.name(), local.host(), local.tag()));
		}
	}

	@Override
	public CompletableFuture<Void> join(Node seed) {
		if (this.left) {
			this.left = false;
			announce();
		}
		// Nothing to dial: the node waits until it hears the seed's announcement.
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public CompletableFuture<Void> leave() {
		OverlayContext current = context();
		current.announce(new Leaving(current.localNode().name()));
		forgetEveryone();
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public CompletableFuture<Void> leave(NodeId node) {
		OverlayContext current = context();
		if (node.equals(current.localNode().id())) {
			return leave();
		}
		current.announce(new Leaving(node.name()));
		drop(node);
		return CompletableFuture.completedFuture(null);
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
				forgetEveryone();
			}
			else {
				drop(node);
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
		current.membersChanged();
	}

	private void drop(NodeId node) {
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

	@Override
	public void stop() {
		if (!this.left && this.context != null) {
			// A node that stops without leaving still tells the others, so they need not
			// wait for the timeout.
			this.context.announce(new Leaving(this.context.localNode().name()));
		}
	}

	private OverlayContext context() {
		OverlayContext current = this.context;
		if (current == null) {
			throw new IllegalStateException("The pubsub overlay is not started");
		}
		return current;
	}

}
