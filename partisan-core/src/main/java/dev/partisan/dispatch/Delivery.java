package dev.partisan.dispatch;

import dev.partisan.api.PartisanMessage;
import io.netty.buffer.ByteBuf;

/**
 * A message waiting in a mailbox, payload still encoded: decoding happens on the
 * handler's worker so the event loop only splits frames.
 *
 * @param meta what the handler learns about the message
 * @param codecId the codec that wrote the payload
 * @param payloadType the codec's type name
 * @param compressed whether the payload is deflated
 * @param payload the encoded payload; the mailbox releases it
 * @param call whether the sender waits for a reply
 */
public record Delivery(PartisanMessage meta, byte codecId, String payloadType, boolean compressed, ByteBuf payload,
		boolean call) {
}
