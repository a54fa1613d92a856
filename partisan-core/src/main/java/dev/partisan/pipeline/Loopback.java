package dev.partisan.pipeline;

import dev.partisan.api.MessageTooLargeException;
import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanMessage;
import dev.partisan.dispatch.Delivery;
import dev.partisan.dispatch.Dispatcher;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import io.netty.buffer.ByteBuf;

/**
 * A message or reply for this very node goes to its handler (or its caller) without being
 * framed: no network, no acknowledgement, no causal stamp.
 */
public final class Loopback implements OutboundStage {

	private final NodeId local;

	private final Dispatcher dispatcher;

	private final Calls calls;

	private final int maxFrameSize;

	public Loopback(NodeId local, Dispatcher dispatcher, Calls calls, int maxFrameSize) {
		this.local = local;
		this.dispatcher = dispatcher;
		this.calls = calls;
		this.maxFrameSize = maxFrameSize;
	}

	@Override
	public boolean apply(OutboundEnvelope envelope) {
		if (!envelope.target().equals(this.local) || envelope.payload() == null) {
			return true;
		}
		ByteBuf payload = envelope.takePayload();
		if (envelope.kind() == FrameKind.REPLY) {
			this.calls.complete(new Calls.Reply(this.local, envelope.id(), envelope.flags(), envelope.codecId(),
					envelope.payloadType(), payload));
			return false;
		}
		if (payload.readableBytes() > this.maxFrameSize) {
			int size = payload.readableBytes();
			payload.release();
			throw new MessageTooLargeException(size, this.maxFrameSize);
		}
		PartisanMessage meta = new PartisanMessage(this.local, envelope.channel(), envelope.destination(),
				envelope.id());
		this.dispatcher.dispatch(new Delivery(meta, envelope.codecId(), envelope.payloadType(),
				envelope.hasFlag(FrameCodec.FLAG_COMPRESSED), payload, envelope.hasFlag(FrameCodec.FLAG_CALL)));
		return false;
	}

}
