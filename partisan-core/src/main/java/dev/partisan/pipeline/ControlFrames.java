package dev.partisan.pipeline;

import java.util.function.LongSupplier;

import dev.partisan.api.NodeId;
import dev.partisan.membership.ControlMessage;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The one place the node's own frames on the control channel are built: acknowledgements,
 * heartbeats, and the overlay's control messages (JSON, named by their registered wire
 * type).
 */
public final class ControlFrames {

	private final String sender;

	private final ControlCodec codec;

	private final LongSupplier ids;

	private final ByteBufAllocator alloc;

	public ControlFrames(String sender, ControlCodec codec, LongSupplier ids, ByteBufAllocator alloc) {
		this.sender = sender;
		this.codec = codec;
		this.ids = ids;
		this.alloc = alloc;
	}

	/** The acknowledgement of message {@code id}. */
	public OutboundEnvelope ack(NodeId peer, long id) {
		return OutboundEnvelope.framed(FrameKind.ACK, id, peer, empty(FrameKind.ACK, id));
	}

	/** A heartbeat: its arrival is what tells the peer this node is alive. */
	public OutboundEnvelope heartbeat(NodeId peer) {
		return OutboundEnvelope.framed(FrameKind.HEARTBEAT, 0, peer, empty(FrameKind.HEARTBEAT, 0));
	}

	/** An overlay's control message for {@code peer}. */
	public OutboundEnvelope control(NodeId peer, ControlMessage message) {
		String type = this.codec.typeName(message);
		long id = this.ids.getAsLong();
		ByteBuf payload = this.codec.encode(message, this.alloc);
		int payloadSize = payload.readableBytes();
		return OutboundEnvelope.framed(FrameKind.CONTROL, id, peer, encode(type, id, payload))
			.destination(type)
			.payloadSize(payloadSize);
	}

	/** An overlay's control message as one frame for every node (a broker's fanout). */
	public ByteBuf announcement(ControlMessage message) {
		String type = this.codec.typeName(message);
		return encode(type, this.ids.getAsLong(), this.codec.encode(message, this.alloc));
	}

	private ByteBuf encode(String type, long id, ByteBuf payload) {
		return FrameCodec.encode(this.alloc,
				Frame.of(FrameKind.CONTROL, id, ChannelSpec.CONTROL, this.sender)
					.withAddress("", type)
					.withCodec((byte) 0, type)
					.withPayload(payload));
	}

	private ByteBuf empty(FrameKind kind, long id) {
		return FrameCodec.encode(this.alloc, Frame.of(kind, id, ChannelSpec.CONTROL, this.sender));
	}

}
