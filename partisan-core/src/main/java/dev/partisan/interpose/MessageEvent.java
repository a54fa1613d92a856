package dev.partisan.interpose;

import dev.partisan.api.NodeId;

/**
 * What interposition functions see of one message.
 *
 * @param direction leaving or arriving
 * @param local this node
 * @param peer the node it goes to or comes from
 * @param kind {@code DATA}, {@code REPLY}, {@code ACK}, {@code CONTROL} or
 * {@code HEARTBEAT}
 * @param channel its channel ({@code _control} for membership, heartbeats and
 * acknowledgements)
 * @param destination the handler name (or control message type) it is for
 * @param messageId the sender's id for it
 * @param payloadSize its payload's size in bytes
 */
public record MessageEvent(Direction direction, NodeId local, NodeId peer, String kind, String channel,
		String destination, long messageId, int payloadSize) {

	/** Whether this is application traffic (a message for a handler, or a reply). */
	public boolean isApplication() {
		return this.kind.equals("DATA") || this.kind.equals("REPLY");
	}

}
