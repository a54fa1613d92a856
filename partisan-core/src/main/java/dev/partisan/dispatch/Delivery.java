package dev.partisan.dispatch;

import dev.partisan.api.PartisanMessage;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

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
 * @param onHandled what to do once the handler has run (or the message was refused for
 * good): acknowledge it, for an acknowledged message; {@code null} for nothing
 * @param observation what observes the handler's run
 */
public record Delivery(PartisanMessage meta, byte codecId, String payloadType, boolean compressed, ByteBuf payload,
		boolean call, @Nullable Runnable onHandled, HandlerObservation observation) {

	/** A delivery whose handler's run is not observed. */
	public Delivery(PartisanMessage meta, byte codecId, String payloadType, boolean compressed, ByteBuf payload,
			boolean call, @Nullable Runnable onHandled) {
		this(meta, codecId, payloadType, compressed, payload, call, onHandled, HandlerObservation.NONE);
	}

	/** A delivery nobody waits on beyond its reply. */
	public Delivery(PartisanMessage meta, byte codecId, String payloadType, boolean compressed, ByteBuf payload,
			boolean call) {
		this(meta, codecId, payloadType, compressed, payload, call, null);
	}

	/**
	 * The handler has run (it returned or threw, and a call's reply has gone), or the
	 * message was refused for good (no such handler, a payload that does not decode): it
	 * is done with, so an acknowledged message may now be acknowledged. Not called for a
	 * message dropped unhandled (the node closed, a full mailbox refused it).
	 */
	public void handled() {
		Runnable then = this.onHandled;
		if (then != null) {
			then.run();
		}
	}

}
