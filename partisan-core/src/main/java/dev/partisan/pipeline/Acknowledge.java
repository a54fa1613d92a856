package dev.partisan.pipeline;

import dev.partisan.delivery.Deduplicator;
import dev.partisan.wire.FrameCodec;

/**
 * Acknowledges an acknowledged message once the receiver took it; one it refused is
 * forgotten by the de-duplication, so its retransmission is taken as new.
 */
public final class Acknowledge implements InboundStage {

	private final Deduplicator dedup;

	private final Acknowledgements acknowledgements;

	public Acknowledge(Deduplicator dedup, Acknowledgements acknowledgements) {
		this.dedup = dedup;
		this.acknowledgements = acknowledgements;
	}

	@Override
	public boolean apply(InboundEnvelope envelope) {
		if (!envelope.hasFlag(FrameCodec.FLAG_ACK)) {
			return false;
		}
		long id = envelope.frame().messageId();
		if (envelope.accepted()) {
			this.acknowledgements.send(envelope.sender(), id);
		}
		else {
			this.dedup.forget(envelope.sender(), envelope.from().incarnation(), id);
		}
		return false;
	}

}
