package dev.partisan.transport;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.LaneStats;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import io.netty.buffer.ByteBuf;

/**
 * How a node's frames reach its peers: a connection table of its own over TCP
 * ({@link NettyTransport}), or a broker every node connects out to (the pub-sub overlay).
 * The runtime encodes frames and decides who is up; a transport only carries frames,
 * reports what arrives, and says how long each peer has been silent.
 *
 * <p>
 * Every method may be called from any thread and must not block: sending only queues.
 */
public interface Transport extends AutoCloseable {

	/**
	 * Starts carrying frames; returns this node as peers reach it (with its bound port,
	 * say).
	 */
	Node start();

	/**
	 * Whether this transport accepts connections (a broker-based one does not listen at
	 * all).
	 */
	boolean isListening();

	/** Adds {@code peer} to the peers this transport carries frames to (idempotent). */
	void connect(Node peer);

	/** Drops {@code peer} and what is queued for it. */
	void disconnect(NodeId peer);

	/** Whether frames to {@code peer} can be queued now. */
	boolean hasPeer(NodeId peer);

	/** The peers frames can be sent to. */
	Set<NodeId> peers();

	/**
	 * Whether the path to {@code peer}'s control channel is open (or is briefly being
	 * re-established).
	 */
	boolean isControlConnected(NodeId peer);

	/** Whether every channel and lane to {@code peer} is ready. */
	boolean isFullyConnected(NodeId peer);

	/**
	 * Nanoseconds since the last frame from {@code peer}, {@link Long#MAX_VALUE} if none
	 * ever came.
	 */
	long silenceNanos(NodeId peer);

	/**
	 * Whether the runtime should send heartbeats to each peer. A transport that hears
	 * from every member through announcements of its own needs none.
	 */
	default boolean needsHeartbeats() {
		return true;
	}

	/**
	 * Queues {@code message}'s frame on the lane that its channel and key select
	 * ({@link LaneChooser}). The frame is not written before
	 * {@link Outgoing#notBeforeNanos()}; {@link Outgoing#written()}, when given,
	 * completes once the frame is handed to the network, and fails if it never is.
	 * @throws dev.partisan.api.UnknownNodeException when the peer cannot be reached
	 */
	void send(Outgoing message);

	/**
	 * Sends a control frame to every node of the cluster at once: supported by transports
	 * with a shared medium (a broker's fanout exchange).
	 * @throws UnsupportedOperationException when the transport has no such medium
	 */
	default void announce(ByteBuf frame) {
		announce(frame, true);
	}

	/**
	 * Like {@link #announce(ByteBuf)}; {@code repeatOnReconnect} says whether this is the
	 * node's standing announcement, sent again as soon as the medium comes back (a
	 * broadcast message is not).
	 */
	default void announce(ByteBuf frame, boolean repeatOnReconnect) {
		frame.release();
		throw new UnsupportedOperationException(getClass().getSimpleName() + " has no broadcast medium");
	}

	/** Asks the node at {@code host:port} for its name (seeds known only by address). */
	CompletableFuture<Node> identify(String host, int port);

	/**
	 * What to show about this transport (its address, its broker), for the actuator and
	 * logs.
	 */
	Map<String, Object> details();

	/** A snapshot of the connection table. */
	List<LaneStats> stats();

	@Override
	void close();

}
