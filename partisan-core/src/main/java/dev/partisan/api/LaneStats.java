package dev.partisan.api;

/**
 * One row of the connection table: a lane of a channel to a peer, as this node sees it.
 * Outbound figures are for the connection this node dialled; received figures are for the
 * one the peer dialled to us on the same channel and lane.
 *
 * @param peer the other node
 * @param channel the channel name ({@code _control} for membership and heartbeats)
 * @param lane the lane index, from 0 to the channel's parallelism - 1
 * @param connected whether the outbound connection is open
 * @param queuedMessages messages waiting in this lane's outbound queue
 * @param queuedBytes bytes waiting in this lane's outbound queue
 * @param sentMessages messages handed to the socket
 * @param sentBytes bytes handed to the socket
 * @param receivedMessages frames received from the peer on this channel and lane
 * @param receivedBytes bytes received from the peer on this channel and lane
 * @param droppedMessages messages refused because the queue was full, or lost when the
 * lane closed
 * @param supersededMessages on a monotonic channel, queued messages replaced by newer
 * ones
 */
public record LaneStats(NodeId peer, String channel, int lane, boolean connected, long queuedMessages, long queuedBytes,
		long sentMessages, long sentBytes, long receivedMessages, long receivedBytes, long droppedMessages,
		long supersededMessages) {
}
