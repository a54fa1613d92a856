package dev.partisan.pipeline;

import dev.partisan.api.CodecException;
import dev.partisan.api.PayloadView;
import dev.partisan.dispatch.Delivery;
import dev.partisan.dispatch.LentPayload;
import dev.partisan.dispatch.PayloadDecoder;
import dev.partisan.wire.BinaryPayloadCodec;
import dev.partisan.wire.Compression;
import dev.partisan.wire.PayloadCodecs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Decodes a delivery for its handler on the handler's worker, inflating it first when it
 * was compressed.
 */
public final class PayloadDecoding implements PayloadDecoder {

	private final PayloadCodecs codecs;

	private final ByteBufAllocator alloc;

	private final int maxInflatedSize;

	public PayloadDecoding(PayloadCodecs codecs, ByteBufAllocator alloc, int maxInflatedSize) {
		this.codecs = codecs;
		this.alloc = alloc;
		this.maxInflatedSize = maxInflatedSize;
	}

	@Override
	public Object decode(Delivery delivery, Class<?> expected) {
		if (expected == PayloadView.class) {
			return lend(delivery);
		}
		if (!delivery.compressed()) {
			return this.codecs.decode(delivery.codecId(), delivery.payloadType(), delivery.payload(), expected);
		}
		ByteBuf inflated = Compression.inflate(delivery.payload(), this.alloc, this.maxInflatedSize);
		try {
			return this.codecs.decode(delivery.codecId(), delivery.payloadType(), inflated, expected);
		}
		finally {
			inflated.release();
		}
	}

	/**
	 * A view of the payload for a handler that reads the bytes in place: no copy, unless
	 * the payload was compressed (then it is the inflated buffer).
	 */
	private PayloadView lend(Delivery delivery) {
		if (delivery.codecId() != BinaryPayloadCodec.ID) {
			throw new CodecException("only a binary payload (byte[] or ByteBuffer) can be lent as a PayloadView");
		}
		if (delivery.compressed()) {
			return new LentPayload(Compression.inflate(delivery.payload(), this.alloc, this.maxInflatedSize));
		}
		return new LentPayload(delivery.payload().retainedSlice());
	}

}
