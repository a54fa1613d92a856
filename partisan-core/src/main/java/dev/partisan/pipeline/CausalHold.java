package dev.partisan.pipeline;

import dev.partisan.api.LogText;
import dev.partisan.api.RateLimitedLog;
import dev.partisan.delivery.CausalOrder;
import dev.partisan.dispatch.Delivery;
import dev.partisan.dispatch.Dispatcher;
import dev.partisan.wire.FrameCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a causally labelled message until every message that causally precedes it has
 * been delivered, then hands it to its handler. A full buffer refuses it (it is not
 * acknowledged, so it comes again).
 */
public final class CausalHold implements InboundStage {

	private static final Logger logger = LoggerFactory.getLogger(CausalHold.class);

	/** Both warnings are a peer's doing, at its rate and with its labels. */
	private final RateLimitedLog peerWarnings = new RateLimitedLog(logger);

	private final CausalOrder causal;

	private final Dispatcher dispatcher;

	public CausalHold(CausalOrder causal, Dispatcher dispatcher) {
		this.causal = causal;
		this.dispatcher = dispatcher;
	}

	@Override
	public boolean apply(InboundEnvelope envelope) {
		if (!envelope.hasFlag(FrameCodec.FLAG_CAUSAL)) {
			return true;
		}
		Delivery delivery = envelope.delivery();
		CausalOrder.Header header;
		try {
			header = CausalOrder.readHeader(delivery.payload());
		}
		catch (IndexOutOfBoundsException | IllegalArgumentException ex) {
			this.peerWarnings.warn("malformed:" + envelope.sender(),
					"Dropped a causal message from {} with a malformed causal header", envelope.sender());
			envelope.release();
			envelope.handled(true);
			// It can never be delivered: acknowledge it so the sender stops sending it.
			envelope.doneWithoutHandler();
			return true;
		}
		boolean taken = this.causal.offer(envelope.sender(), header, () -> {
			if (!this.dispatcher.dispatch(delivery)) {
				// The handler's mailbox was full when its turn came: let it come again.
				envelope.refused();
			}
		});
		if (!taken) {
			this.peerWarnings.warn("full:" + header.label(),
					"Causal buffer of label '{}' is full; message {} from {} will be retransmitted",
					LogText.escape(header.label()), delivery.meta().messageId(), envelope.sender());
			envelope.release();
		}
		envelope.handled(taken);
		return true;
	}

}
