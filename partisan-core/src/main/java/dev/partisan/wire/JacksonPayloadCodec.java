package dev.partisan.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import dev.partisan.api.CodecException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Objects as JSON through Jackson. The frame carries the class name; on receipt the name
 * must pass the {@link TypeAllowList} and the class must fit the handler's declared type
 * before Jackson sees a byte. No default typing is enabled, so nested values get the
 * types their declaring classes state.
 */
public final class JacksonPayloadCodec implements PayloadCodec {

	public static final byte ID = 3;

	private final ObjectMapper mapper;

	private final TypeAllowList allowList;

	public JacksonPayloadCodec(TypeAllowList allowList) {
		this(JsonMapper.builder().build(), allowList);
	}

	public JacksonPayloadCodec(ObjectMapper mapper, TypeAllowList allowList) {
		this.mapper = mapper;
		this.allowList = allowList;
	}

	@Override
	public byte id() {
		return ID;
	}

	@Override
	public boolean canEncode(Object payload) {
		return true;
	}

	@Override
	public String typeName(Object payload) {
		return payload.getClass().getName();
	}

	@Override
	public ByteBuf encode(Object payload, ByteBufAllocator alloc) {
		ByteBuf out = alloc.buffer();
		try (OutputStream stream = new ByteBufOutputStream(out)) {
			this.mapper.writeValue(stream, payload);
			return out;
		}
		catch (JacksonException | IOException ex) {
			out.release();
			throw new CodecException("Cannot encode a " + payload.getClass().getName() + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public Object decode(String typeName, ByteBuf bytes, Class<?> expected) {
		if (!this.allowList.isAllowed(typeName)) {
			throw new CodecException("payload type '" + typeName + "' is not allow-listed; register a handler "
					+ "for it or allow its package (partisan.allowed-packages)");
		}
		Class<?> type;
		try {
			type = Class.forName(typeName, false, classLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw new CodecException("payload type '" + typeName + "' is allow-listed but not on the class path");
		}
		if (!expected.isAssignableFrom(type)) {
			throw new CodecException(
					"payload type '" + typeName + "' does not fit the handler's type " + expected.getName());
		}
		Object value;
		try (InputStream in = new ByteBufInputStream(bytes.duplicate())) {
			value = this.mapper.readValue(in, type);
		}
		catch (JacksonException | IOException ex) {
			throw new CodecException("Cannot decode a " + typeName + ": " + ex.getMessage(), ex);
		}
		// No sender writes the JSON null (a call answered with nothing carries a flag
		// instead), and a handler is promised a payload.
		if (value == null) {
			throw new CodecException("a " + typeName + " payload is the JSON null");
		}
		return value;
	}

	private static ClassLoader classLoader() {
		ClassLoader context = Thread.currentThread().getContextClassLoader();
		return (context != null) ? context : JacksonPayloadCodec.class.getClassLoader();
	}

}
