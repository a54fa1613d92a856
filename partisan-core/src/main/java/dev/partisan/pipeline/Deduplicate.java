package dev.partisan.pipeline;

import dev.partisan.delivery.Deduplicator;
import dev.partisan.wire.FrameCodec;

/**
 * An acknowledged message is handled once: a copy that arrives again (its acknowledgement
 * was lost, or late) is dropped and acknowledged again so the sender stops retransmitting
 * it.
 */
public final class Deduplicate implements InboundStage {

	private final Deduplicator dedup;

	private final Acknowledgements acknowledgements;

	public Deduplicate(Deduplicator dedup, Acknowledgements acknowledgements) {
		this.dedup = dedup;
		this.acknowledgements = acknowledgements;
	}

	@Override
	public boolean apply(InboundEnvelope envelope) {
		if (!envelope.hasFlag(FrameCodec.FLAG_ACK)) {
			return true;
		}
		long id = envelope.frame().messageId();
		if (this.dedup.firstTime(envelope.sender(), envelope.from().incarnation(), id)) {
			return true;
		}
		envelope.release();
		this.acknowledgements.send(envelope.sender(), id);
		return false;
	}

}
