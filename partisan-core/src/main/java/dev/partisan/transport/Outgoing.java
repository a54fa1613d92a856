package dev.partisan.transport;

import java.util.concurrent.CompletableFuture;

import dev.partisan.api.NodeId;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * What a transport needs of a message it carries: where it goes, what picks its lane, and
 * the encoded frame. The message path's envelope is one; the transport takes the frame
 * from it and owns it from then on.
 */
public interface Outgoing {

	/** The node the frame goes to (the next hop, for a relayed frame). */
	NodeId peer();

	/**
	 * The channel it was sent on (a channel this node does not configure falls back to
	 * the default).
	 */
	String channel();

	/** The key that keeps a stream on one lane, or {@code null}. */
	@Nullable Object partitionKey();

	/** The sending actor, for affinity. */
	String senderIdentity();

	/** The handler (or control message type) it is for. */
	String destination();

	/**
	 * Hands over the encoded frame, length prefix included; the transport releases it.
	 */
	ByteBuf takeFrame();

	/**
	 * Completes once the frame is handed to the network and fails if it never is, or
	 * {@code null}.
	 */
	@Nullable CompletableFuture<Void> written();

	/** Not written before this {@link System#nanoTime()}; 0 for at once. */
	long notBeforeNanos();

}
