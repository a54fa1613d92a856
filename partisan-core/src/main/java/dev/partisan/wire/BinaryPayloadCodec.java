package dev.partisan.wire;

import java.nio.ByteBuffer;

import dev.partisan.api.CodecException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * {@code byte[]} and {@link ByteBuffer} payloads, passed through as they are: no
 * conversion and no copy here. The payload is wrapped; {@link FrameCodec#encode} copies a
 * heap one once into off-heap memory (so the caller may reuse its array as soon as
 * {@code forward} returns) and sends a direct one without a copy (so the caller must not
 * change it after {@code forward}). A handler that takes {@code byte[]} or
 * {@code ByteBuffer} gets a copy of its own; one that takes
 * {@link dev.partisan.api.PayloadView} is lent the received bytes instead (see
 * {@code PayloadDecoding}).
 */
public final class BinaryPayloadCodec implements PayloadCodec {

	public static final byte ID = 1;

	@Override
	public byte id() {
		return ID;
	}

	@Override
	public boolean canEncode(Object payload) {
		return payload instanceof byte[] || payload instanceof ByteBuffer;
	}

	@Override
	public String typeName(Object payload) {
		return "";
	}

	@Override
	public ByteBuf encode(Object payload, ByteBufAllocator alloc) {
		if (payload instanceof byte[] bytes) {
			return Unpooled.wrappedBuffer(bytes);
		}
		return Unpooled.wrappedBuffer(((ByteBuffer) payload).duplicate());
	}

	@Override
	public Object decode(String typeName, ByteBuf bytes, Class<?> expected) {
		if (expected == byte[].class || expected == Object.class) {
			return ByteBufUtil.getBytes(bytes);
		}
		if (expected == ByteBuffer.class) {
			return ByteBuffer.wrap(ByteBufUtil.getBytes(bytes));
		}
		throw new CodecException("a binary payload cannot be given to a handler of " + expected.getName());
	}

}
