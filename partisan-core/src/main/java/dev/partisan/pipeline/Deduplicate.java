package dev.partisan.pipeline;

import dev.partisan.api.NodeId;
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
		NodeId sender = envelope.sender();
		long incarnation = envelope.from().incarnation();
		if (this.dedup.firstTime(sender, incarnation, id)) {
			this.acknowledgements.accepted(sender, incarnation, id);
			envelope.onHandled(() -> this.acknowledgements.handled(sender, incarnation, id));
			envelope.onRefused(() -> {
				this.dedup.forget(sender, incarnation, id);
				this.acknowledgements.abandoned(sender, incarnation, id);
			});
			return true;
		}
		envelope.release();
		if (!this.acknowledgements.inProgress(sender, incarnation, id)) {
			this.acknowledgements.send(sender, id);
		}
		return false;
	}

}
