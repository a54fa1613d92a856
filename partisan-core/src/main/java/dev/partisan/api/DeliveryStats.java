package dev.partisan.api;

/**
 * Figures of the delivery guarantees on one node.
 *
 * @param outstandingAcks acknowledged messages sent and not yet acknowledged
 * @param retransmits retransmissions of acknowledged messages
 * @param acknowledged acknowledgements received
 * @param duplicatesDropped received duplicates of acknowledged messages, not delivered
 * again
 * @param superseded queued messages of monotonic channels replaced by newer ones
 * @param causallyHeld received causal messages waiting for their predecessors
 */
public record DeliveryStats(int outstandingAcks, long retransmits, long acknowledged, long duplicatesDropped,
		long superseded, int causallyHeld) {
}
