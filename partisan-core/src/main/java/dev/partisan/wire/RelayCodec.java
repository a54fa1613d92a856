package dev.partisan.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The payload of a RELAY frame: a frame for a node the sender has no connection to,
 * wrapped for a member that can pass it on. On the wire:
 *
 * <pre>
 * u8  hops left      (the relay TTL; a relay with one hop left is not passed on)
 * i64 origin's incarnation
 * ... the inner frame, without its length prefix
 * </pre>
 */
public final class RelayCodec {

	/**
	 * How many hops a relayed message may take before it is dropped (the Erlang
	 * original's relay TTL).
	 */
	public static final int TTL = 5;

	/** The bytes before the inner frame. */
	public static final int HEADER_SIZE = 1 + 8;

	private RelayCodec() {
	}

	/**
	 * A relay payload around {@code frame} (a complete frame, length prefix included),
	 * which is released.
	 */
	public static ByteBuf wrap(ByteBufAllocator alloc, long originIncarnation, ByteBuf frame) {
		try {
			int innerSize = frame.readableBytes() - FrameCodec.LENGTH_FIELD_SIZE;
			ByteBuf out = alloc.directBuffer(HEADER_SIZE + innerSize);
			out.writeByte(TTL).writeLong(originIncarnation);
			out.writeBytes(frame, frame.readerIndex() + FrameCodec.LENGTH_FIELD_SIZE, innerSize);
			return out;
		}
		finally {
			frame.release();
		}
	}

	/** Hops the relay may still take. */
	public static int hopsLeft(ByteBuf payload) {
		return payload.getUnsignedByte(payload.readerIndex());
	}

	/** The incarnation of the node that wrapped the frame. */
	public static long originIncarnation(ByteBuf payload) {
		return payload.getLong(payload.readerIndex() + 1);
	}

	/**
	 * The inner frame, decoded; its payload is a retained slice the caller must release.
	 */
	public static Frame inner(ByteBuf payload) {
		if (payload.readableBytes() < HEADER_SIZE) {
			throw new MalformedFrameException("relay payload of " + payload.readableBytes() + " bytes has no header");
		}
		return FrameCodec
			.decode(payload.slice(payload.readerIndex() + HEADER_SIZE, payload.readableBytes() - HEADER_SIZE));
	}

	/**
	 * A copy of {@code payload} for the next hop, with one hop fewer left;
	 * {@code payload} is not released.
	 */
	public static ByteBuf nextHop(ByteBufAllocator alloc, ByteBuf payload) {
		ByteBuf out = alloc.directBuffer(payload.readableBytes());
		out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
		out.setByte(0, hopsLeft(payload) - 1);
		return out;
	}

}
