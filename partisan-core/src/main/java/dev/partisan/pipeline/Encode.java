package dev.partisan.pipeline;

import dev.partisan.wire.PayloadCodec;
import dev.partisan.wire.PayloadCodecs;
import io.netty.buffer.ByteBufAllocator;

/**
 * Encodes the message object with the codec that carries its type (allow-listed objects,
 * bytes, text).
 */
public final class Encode implements OutboundStage {

	private final PayloadCodecs codecs;

	private final ByteBufAllocator alloc;

	public Encode(PayloadCodecs codecs, ByteBufAllocator alloc) {
		this.codecs = codecs;
		this.alloc = alloc;
	}

	@Override
	public boolean apply(OutboundEnvelope envelope) {
		Object message = envelope.message();
		if (message != null) {
			PayloadCodec codec = this.codecs.codecFor(message);
			envelope.encoded(codec.id(), codec.typeName(message), codec.encode(message, this.alloc));
		}
		return true;
	}

}
