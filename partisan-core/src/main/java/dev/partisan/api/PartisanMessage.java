package dev.partisan.api;

/**
 * What a handler learns about a message besides its payload.
 *
 * @param sender the node that sent it
 * @param channel the channel it travelled on
 * @param destination the handler name it was addressed to
 * @param messageId the sender's id for the message, unique per sender incarnation
 */
public record PartisanMessage(NodeId sender, String channel, String destination, long messageId) {
}
