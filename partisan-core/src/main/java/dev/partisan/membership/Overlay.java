package dev.partisan.membership;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import org.jspecify.annotations.Nullable;

/**
 * A membership and connection strategy: the papers' peer service manager. The node calls
 * every method on the overlay's own thread, one at a time; an overlay therefore needs no
 * locking, and must not block.
 *
 * <p>
 * Up and down are the node's business, not the overlay's: a member is up when it is in
 * {@link #members()} and its control connection is open and heard from within the failure
 * timeout. Member listeners fire from that rule for every overlay alike.
 */
public interface Overlay {

	/** The name users select it by, e.g. {@code full-mesh}. */
	String name();

	void start(OverlayContext context);

	/**
	 * Joins through {@code seed}; the future completes when the seed is in
	 * {@link #members()}.
	 */
	CompletableFuture<Void> join(Node seed);

	/** Leaves the cluster; completes once the others have been told. */
	CompletableFuture<Void> leave();

	/** Removes {@code node} from the cluster and asks it to leave. */
	CompletableFuture<Void> leave(NodeId node);

	/** The members as this overlay knows them, this node included. */
	Set<Node> members();

	/**
	 * Whether {@code node}, which is not (or no longer) in {@link #members()}, is still a
	 * member of the cluster that this node merely does not keep in view: HyParView's
	 * passive view. The node then tells listeners it moved out of view rather than went
	 * down, and keeps watching it. False by default: for an overlay whose members are the
	 * whole cluster, a node that is not a member has left.
	 */
	default boolean outOfView(NodeId node) {
		return false;
	}

	/**
	 * Whether {@code node} left or was removed, as far as this overlay knows, and has not
	 * joined again since. A watch of a node this one is not connected to (another client,
	 * a peer outside the active view) fires {@code LEFT} on it rather than
	 * {@code UNREACHABLE} when its probes go unanswered. False by default. Control thread
	 * only.
	 */
	default boolean departed(NodeId node) {
		return false;
	}

	/**
	 * The member through which to reach {@code destination} when this node has no
	 * connection to it (a client reaching another client through a server), or
	 * {@code null} when there is none. Called from any thread: answer from a snapshot.
	 */
	default @Nullable NodeId nextHop(NodeId destination) {
		return null;
	}

	/**
	 * Whether {@code relay} may pass on frames that claim {@code origin} as their sender
	 * when the cluster has no secret to sign relays with: the node then believes a
	 * relayed frame's origin only when it came straight from the origin or from a node
	 * this says relays for it (a server relaying a client's messages in client-server).
	 * False by default: only the origin speaks for itself. Called from any thread: answer
	 * from a snapshot.
	 */
	default boolean relaysFor(NodeId relay, NodeId origin) {
		return false;
	}

	/**
	 * Named views of the membership for observability, e.g. HyParView's {@code active}
	 * and {@code passive}; empty when the overlay has none beyond its members. Called
	 * from any thread: answer from a snapshot.
	 */
	default Map<String, List<Node>> views() {
		return Map.of();
	}

	/**
	 * Broadcasts an encoded message to {@code handler} on every member, this node
	 * included; false when this overlay has no broadcast of its own (the node then sends
	 * to each member).
	 */
	default boolean broadcast(String handler, byte codecId, String payloadType, byte[] payload) {
		return false;
	}

	/**
	 * Whether the node should join its configured seeds once started. False for an
	 * overlay whose members are the seeds themselves (static), which connects to them on
	 * start and has no join.
	 */
	default boolean joinsSeeds() {
		return true;
	}

	/**
	 * Whether a node that shuts down should first {@link #leave() leave}, so that the
	 * others drop it at once rather than see it go down after the failure timeout. Front
	 * ends (the Spring Boot lifecycle) ask this instead of knowing overlays by name.
	 * False by default: only an overlay whose leave is known to reach the members
	 * (full-mesh, client-server, peer-to-peer, pub-sub) asks for it.
	 */
	default boolean leavesOnShutdown() {
		return false;
	}

	/** The control messages this overlay sends, by wire type name. */
	Map<String, Class<? extends ControlMessage>> controlMessageTypes();

	void onControlMessage(NodeId from, ControlMessage message);

	/** A member's control connection came up (or came back). */
	default void onPeerUp(Node peer) {
	}

	/** A connection attempt to {@code peer}'s control lane failed. */
	default void onPeerUnreachable(NodeId peer, Throwable cause) {
	}

	/** A member went down. */
	default void onPeerDown(Node peer) {
	}

	void stop();

}
