package dev.partisan.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Turns payloads into bytes and back. Each codec has a one-byte id that travels in the
 * frame header; ids below 16 are Partisan's own. A codec must never instantiate a type it
 * was not told to trust.
 */
public interface PayloadCodec {

	/** The id written in frames; unique among the codecs of a node. */
	byte id();

	/**
	 * Whether this codec writes {@code payload}. The first codec (by registration order)
	 * that can, does.
	 */
	boolean canEncode(Object payload);

	/** The type name written in the frame header, empty when the codec needs none. */
	String typeName(Object payload);

	/** Writes the payload to a new buffer that the caller owns. */
	ByteBuf encode(Object payload, ByteBufAllocator alloc);

	/**
	 * Reads a payload for a handler that accepts {@code expected}.
	 * @param typeName the type name from the frame header
	 * @param bytes the payload; the caller keeps ownership
	 * @param expected the handler's declared payload type
	 * @throws dev.partisan.api.CodecException when the payload is not acceptable as
	 * {@code expected}
	 */
	Object decode(String typeName, ByteBuf bytes, Class<?> expected);

}
