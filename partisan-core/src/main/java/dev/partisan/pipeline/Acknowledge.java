package dev.partisan.pipeline;

import dev.partisan.wire.FrameCodec;

/**
 * The last reception stage: an acknowledged message the receiver refused (a full mailbox
 * or causal buffer) is forgotten by the de-duplication, so its retransmission is taken as
 * new. One it took is acknowledged later, once its handler has run (see
 * {@link Deduplicate}): a crash before that makes the sender send it again.
 */
public final class Acknowledge implements InboundStage {

	@Override
	public boolean apply(InboundEnvelope envelope) {
		if (!envelope.hasFlag(FrameCodec.FLAG_ACK)) {
			return false;
		}
		if (!envelope.accepted()) {
			envelope.refused();
		}
		return false;
	}

}
