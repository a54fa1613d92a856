package dev.partisan.pipeline;

import dev.partisan.api.UnknownNodeException;
import dev.partisan.delivery.CausalOrder;
import dev.partisan.wire.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Puts the causal header (label and stamp) in front of the payload of a message sent with
 * a causal label. The stamp is a small buffer of its own in front of the payload, which
 * is not copied.
 */
public final class CausalStamp implements OutboundStage {

	private final CausalOrder causal;

	private final Routes routes;

	private final ByteBufAllocator alloc;

	public CausalStamp(CausalOrder causal, Routes routes, ByteBufAllocator alloc) {
		this.causal = causal;
		this.routes = routes;
		this.alloc = alloc;
	}

	@Override
	public boolean apply(OutboundEnvelope envelope) {
		String label = envelope.causalLabel();
		ByteBuf payload = envelope.payload();
		if (label == null || payload == null) {
			return true;
		}
		// Stamping counts the message as sent, so refuse before stamping what cannot be
		// sent at all.
		if (this.routes.nextHop(envelope.target()) == null) {
			throw new UnknownNodeException(envelope.target());
		}
		ByteBuf stamp = this.alloc.directBuffer(64);
		try {
			this.causal.stamp(label, envelope.target(), stamp);
		}
		catch (RuntimeException ex) {
			stamp.release();
			throw ex;
		}
		// The stamp goes in front of the payload as a buffer of its own: the payload is
		// not
		// copied here (framing copies it once if it is on the heap).
		ByteBuf original = envelope.takePayload();
		envelope.payload(this.alloc.compositeDirectBuffer(2).addComponents(true, stamp, original));
		envelope.flag(FrameCodec.FLAG_CAUSAL);
		return true;
	}

}
