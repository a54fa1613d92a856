package dev.partisan.wire;

import java.nio.charset.StandardCharsets;

import dev.partisan.api.CodecException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/** {@link String} payloads as UTF-8. */
public final class StringPayloadCodec implements PayloadCodec {

	public static final byte ID = 2;

	@Override
	public byte id() {
		return ID;
	}

	@Override
	public boolean canEncode(Object payload) {
		return payload instanceof String;
	}

	@Override
	public String typeName(Object payload) {
		return "";
	}

	@Override
	public ByteBuf encode(Object payload, ByteBufAllocator alloc) {
		return ByteBufUtil.writeUtf8(alloc, (String) payload);
	}

	@Override
	public Object decode(String typeName, ByteBuf bytes, Class<?> expected) {
		if (expected != String.class && expected != Object.class && expected != CharSequence.class) {
			throw new CodecException("a String payload cannot be given to a handler of " + expected.getName());
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

}
