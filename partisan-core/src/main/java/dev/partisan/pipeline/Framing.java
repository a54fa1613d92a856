package dev.partisan.pipeline;

import dev.partisan.api.MessageTooLargeException;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Writes the frame around the payload; an application message larger than the frame limit
 * is refused.
 */
public final class Framing implements OutboundStage {

	private final String sender;

	private final int maxFrameSize;

	private final ByteBufAllocator alloc;

	public Framing(String sender, int maxFrameSize, ByteBufAllocator alloc) {
		this.sender = sender;
		this.maxFrameSize = maxFrameSize;
		this.alloc = alloc;
	}

	@Override
	public boolean apply(OutboundEnvelope envelope) {
		if (envelope.frame() != null) {
			return true;
		}
		ByteBuf payload = envelope.takePayload();
		int payloadSize = payload.readableBytes();
		Frame frame = Frame.of(envelope.kind(), envelope.id(), envelope.channel(), this.sender)
			.withFlags(envelope.flags())
			.withAddress(envelope.senderIdentity(), envelope.destination())
			.withCodec(envelope.codecId(), envelope.payloadType())
			.withPayload(payload)
			.withTrace(envelope.trace());
		ByteBuf encoded = FrameCodec.encode(this.alloc, frame);
		envelope.frame(encoded, payloadSize);
		if (envelope.kind() == FrameKind.DATA && encoded.readableBytes() > this.maxFrameSize) {
			throw new MessageTooLargeException(encoded.readableBytes(), this.maxFrameSize);
		}
		return true;
	}

}
