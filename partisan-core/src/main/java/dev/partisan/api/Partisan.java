package dev.partisan.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import reactor.core.publisher.Mono;

/**
 * A Partisan node: it joins a cluster through the configured overlay and carries messages
 * between named handlers on its members. Create one with
 * {@code dev.partisan.runtime.PartisanNode.create(config)}, then {@link #start()} it;
 * {@link #close()} stops it without leaving the cluster (peers see it go down).
 */
public interface Partisan extends AutoCloseable {

	/** Binds the server, starts the overlay and failure detection. Idempotent. */
	Partisan start();

	/**
	 * Stops the node abruptly as far as peers can tell: no leave is announced.
	 * Idempotent.
	 */
	@Override
	void close();

	/** This node, with the port its server is bound to once started. */
	Node localNode();

	/** The name of the overlay in use, e.g. {@code full-mesh}. */
	String overlayName();

	/**
	 * Joins the cluster that {@code seed} belongs to. The future completes when the seed
	 * is an up member of this node, and fails with {@link JoinException} when the seed
	 * cannot be reached, with {@link NodeNameConflictException} when the node at the
	 * seed's address answers to another name, the seed is another node with this node's
	 * name, or a live member at another address already goes by this node's name, or with
	 * {@link OverlayOperationException} when the overlay has no join (static).
	 */
	CompletableFuture<Void> join(Node seed);

	/**
	 * Asks the node listening at {@code host:port} for its name, then joins it: for seeds
	 * known only by address, such as the A records of a DNS name. Completes with the node
	 * joined.
	 */
	CompletableFuture<Node> joinAddress(String host, int port);

	/**
	 * Whether this node's overlay joins seeds once started: false for the static overlay,
	 * whose seeds are its members and are connected to on start. Front ends ask this
	 * rather than know overlays by name.
	 * @throws IllegalStateException when the node is not started
	 */
	boolean joinsSeeds();

	/**
	 * Whether this node's overlay asks to {@link #leave()} before shutting down, so that
	 * the others drop it at once as left instead of after the failure timeout as
	 * unreachable (full-mesh, client-server and peer-to-peer do; static does not).
	 * @throws IllegalStateException when the node is not started
	 */
	boolean leavesOnShutdown();

	/**
	 * Like {@link #join(Node)}, and completes only once every channel and lane to the
	 * seed is connected (the Erlang original's {@code sync_join}).
	 */
	CompletableFuture<Void> syncJoin(Node seed);

	/** Leaves the cluster: the others drop this node from their members. */
	CompletableFuture<Void> leave();

	/** Removes another node from the cluster and asks it to leave. */
	CompletableFuture<Void> leave(NodeId node);

	/** The members that are up as this node sees them, itself included. */
	Set<Node> members();

	/** Whether this node's control connection to {@code node} is open. */
	boolean isConnected(NodeId node);

	/**
	 * Sends {@code message} to the handler registered under {@code name} on {@code node}.
	 * Returns as soon as the message is queued on a lane; delivery is best effort.
	 * @throws NodeDownException when {@code node} is known to be down and failing fast is
	 * on (the default): a message for a crashed node is not queued for a node that later
	 * takes its name
	 * @throws UnknownNodeException when this node has no route to {@code node}
	 * @throws MessageTooLargeException when the encoded message exceeds the maximum frame
	 * size
	 * @throws QueueFullException when the chosen lane's queue is at its bound
	 * @throws CodecException when the payload cannot be encoded
	 */
	void forward(NodeId node, String name, Object message, ForwardOptions options);

	/**
	 * {@link #forward(NodeId, String, Object, ForwardOptions)} on the default channel.
	 */
	default void forward(NodeId node, String name, Object message) {
		forward(node, name, message, ForwardOptions.defaults());
	}

	/**
	 * The paper's {@code cast_message}: the same as {@code forward} to a handler name.
	 */
	default void cast(NodeId node, String name, Object message, ForwardOptions options) {
		forward(node, name, message, options);
	}

	default void cast(NodeId node, String name, Object message) {
		forward(node, name, message, ForwardOptions.defaults());
	}

	/**
	 * Sends {@code message} to the handler {@code name} on {@code node} and completes
	 * with what the handler returns, decoded as {@code replyType} (which is
	 * allow-listed). Fails with {@link CallTimeoutException} after {@code timeout}, with
	 * {@link NodeDownException} as soon as the node is detected down (at once when it is
	 * known down already and failing fast is on, the default), and with
	 * {@link RemoteHandlerException} when the handler throws or does not exist. The reply
	 * travels on the request's channel.
	 */
	<R> CompletableFuture<R> call(NodeId node, String name, Object message, Class<R> replyType, ForwardOptions options,
			Duration timeout);

	/** {@link #call} as a {@link Mono}: the call is made on subscription. */
	default <R> Mono<R> callMono(NodeId node, String name, Object message, Class<R> replyType, ForwardOptions options,
			Duration timeout) {
		return Mono.fromFuture(() -> call(node, name, message, replyType, options, timeout));
	}

	/**
	 * Sends {@code message} to the handler {@code name} on every member, this node
	 * included: along Plumtree's broadcast trees on the peer-to-peer overlay (each member
	 * delivers it once, even when nodes fail), directly to each member on the others.
	 * Best effort.
	 */
	void broadcast(String name, Object message);

	/**
	 * Registers a handler under {@code name}. Payloads are decoded to {@code type}; for
	 * objects decoded by the object codec, {@code type} is added to the allow-list. A
	 * handler of {@link PayloadView} is lent the received bytes of a binary message
	 * without a copy, for the duration of each call.
	 * @throws IllegalStateException when the name is taken
	 */
	<T> Registration register(String name, Class<T> type, MessageHandler<? super T> handler);

	/**
	 * Registers a handler whose return value answers {@link #call calls}; otherwise like
	 * {@link #register(String, Class, MessageHandler)}.
	 */
	<T> Registration registerRequestHandler(String name, Class<T> type, RequestHandler<? super T> handler);

	/** Removes the handler registered under {@code name}, if any. */
	void unregister(String name);

	Registration addMembershipListener(MembershipListener listener);

	/**
	 * Watches {@code node} (the Erlang original's {@code on_down}, Erlang's
	 * {@code monitor_node}): {@code onDown} runs once, on the control thread, when the
	 * node is detected down ({@link DownReason#UNREACHABLE}) or leaves
	 * ({@link DownReason#LEFT}), then the watch ends. A member this node is connected to
	 * is watched by failure detection; any other node it can reach (another client
	 * through the server, a peer outside the active view) by a probe every heartbeat
	 * interval, which must be answered within the failure timeout. A node that leaves or
	 * is removed fires {@link DownReason#LEFT} wherever the watcher is, once the overlay
	 * hears of it (a client from its server, a peer from the flooded leave). A
	 * peer-to-peer neighbour that only moves to the passive view stays watched. When the
	 * node is already known down, or is neither up, a member, in the passive view nor
	 * reachable, it runs at once. Removing the registration cancels the watch.
	 * @throws IllegalStateException when the node is not started
	 * @throws IllegalArgumentException when {@code node} is this node
	 */
	Registration watch(NodeId node, java.util.function.Consumer<DownReason> onDown);

	/** A snapshot of the connection table: one row per peer × channel × lane. */
	List<LaneStats> connectionTable();

	/**
	 * The overlay's named views of the membership (peer-to-peer: {@code active} and
	 * {@code passive}); empty when it has none beyond its members or before start.
	 */
	Map<String, List<Node>> views();

	/**
	 * What the transport shows of itself: {@code kind} ({@code tcp} or {@code amqp}) and,
	 * for TCP, the listening address; for AMQP, the broker, whether it is connected and
	 * how many messages were rejected. Empty before start.
	 */
	Map<String, Object> transportDetails();

}
