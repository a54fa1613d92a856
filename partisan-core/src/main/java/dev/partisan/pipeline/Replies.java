package dev.partisan.pipeline;

import dev.partisan.api.LogText;
import dev.partisan.api.PartisanMessage;
import dev.partisan.api.RateLimitedLog;
import dev.partisan.dispatch.Delivery;
import dev.partisan.dispatch.Replier;
import dev.partisan.wire.FrameCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a handler's answer to the node that called it, on the call's channel; runs on the
 * handler's worker. Made before the node starts (handlers are registered then) and bound
 * to the outbound path when it does.
 */
public final class Replies implements Replier {

	private static final Logger logger = LoggerFactory.getLogger(Replies.class);

	/**
	 * What a handler that returned nothing answers with; the reply's flag says it is
	 * empty.
	 */
	private static final String NO_VALUE = "";

	/**
	 * A call to an unknown handler is answered too, so a peer's calls (and the names in
	 * them) reach this warning at the peer's rate.
	 */
	private final RateLimitedLog failures = new RateLimitedLog(logger);

	private volatile @Nullable OutboundPath outbound;

	/** From now on replies leave through {@code path}. */
	public void bind(OutboundPath path) {
		this.outbound = path;
	}

	@Override
	public void reply(Delivery call, @Nullable Object value, @Nullable String error) {
		PartisanMessage meta = call.meta();
		OutboundPath path = this.outbound;
		try {
			if (path == null) {
				throw new IllegalStateException("the node is not started");
			}
			Object body = (error != null) ? error : (value != null) ? value : NO_VALUE;
			int flags = (error != null) ? FrameCodec.FLAG_ERROR : (value == null) ? FrameCodec.FLAG_NULL_REPLY : 0;
			path.send(OutboundEnvelope.reply(meta.messageId(), meta.sender(), meta.channel(), body)
				.flag(flags)
				.senderIdentity(meta.destination()));
		}
		catch (RuntimeException ex) {
			this.failures.warn(meta.sender().name(), "Could not reply to call {} from {} for handler '{}': {}",
					meta.messageId(), meta.sender(), LogText.escape(meta.destination()),
					LogText.escape(ex.getMessage()));
		}
	}

}
