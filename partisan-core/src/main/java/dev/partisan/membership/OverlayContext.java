package dev.partisan.membership;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import dev.partisan.api.Node;
import dev.partisan.api.NodeId;

/**
 * What the node offers its overlay. Every method may be called only from the overlay's
 * thread.
 */
public interface OverlayContext {

	/** This node. */
	Node localNode();

	/**
	 * This node's incarnation: larger for every start, so a restarted node supersedes its
	 * old self.
	 */
	long incarnation();

	/**
	 * The clock incarnations are read from, now, in microseconds: a node that started
	 * after this instant has a larger incarnation. An overlay uses it to date what it
	 * knows only by name (a removal of a node whose incarnation it never learned covers
	 * every incarnation started before it).
	 */
	default long epochNow() {
		return System.currentTimeMillis() * 1000;
	}

	/** The seeds from configuration (the static overlay's members). */
	List<Node> seeds();

	/** Keep connections to {@code peer} (idempotent). */
	void connect(Node peer);

	/** Drop the connections to {@code peer} and what is queued for it. */
	void disconnect(NodeId peer);

	/** Whether the control connection to {@code peer} is open. */
	boolean isConnected(NodeId peer);

	/**
	 * Sends a control message; the future completes when it is written to the socket and
	 * fails if it cannot be queued or the connection closes first.
	 */
	CompletableFuture<Void> send(NodeId peer, ControlMessage message);

	/**
	 * Sends a control message to every node of the cluster through the transport's shared
	 * medium (a broker's fanout exchange); it arrives through
	 * {@link Overlay#onControlMessage} as if sent directly. Failures are logged, not
	 * thrown: an announcement is repeated by whoever needs it.
	 * @throws UnsupportedOperationException when the transport has no shared medium (TCP)
	 */
	default void announce(ControlMessage message) {
		throw new UnsupportedOperationException("This transport has no shared medium to announce on");
	}

	/**
	 * Like {@link #announce(ControlMessage)}, for a one-off message (a broadcast): it is
	 * not repeated when the medium comes back after an outage, as the node's standing
	 * announcement is.
	 */
	default void publish(ControlMessage message) {
		throw new UnsupportedOperationException("This transport has no shared medium to publish on");
	}

	/**
	 * Tells the node that {@link Overlay#members()} changed, so it can recompute up and
	 * down members.
	 */
	void membersChanged();

	/**
	 * Runs {@code task} on the overlay's thread every {@code period}; cancelled when the
	 * overlay stops.
	 */
	void schedule(Duration period, Runnable task);

	/** Runs {@code task} once on the overlay's thread after {@code delay}. */
	void scheduleOnce(Duration delay, Runnable task);

	/**
	 * Delivers a broadcast that reached this node to the local handler {@code handler},
	 * as if {@code origin} had sent it.
	 */
	void deliver(Node origin, String handler, byte codecId, String payloadType, byte[] payload);

	/** The overlay's source of randomness (seeded in simulations). */
	Random random();

}
