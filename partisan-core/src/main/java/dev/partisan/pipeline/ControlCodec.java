package dev.partisan.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

import dev.partisan.api.CodecException;
import dev.partisan.membership.ControlMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes an overlay's control messages as JSON under their registered type names, and
 * only those.
 */
public final class ControlCodec {

	private final ObjectMapper mapper = JsonMapper.builder().build();

	private final Map<String, Class<? extends ControlMessage>> byName;

	private final Map<Class<?>, String> byType = new HashMap<>();

	public ControlCodec(Map<String, Class<? extends ControlMessage>> types) {
		this.byName = Map.copyOf(types);
		types.forEach((name, type) -> this.byType.put(type, name));
	}

	public String typeName(ControlMessage message) {
		String name = this.byType.get(message.getClass());
		if (name == null) {
			throw new CodecException("Control message type " + message.getClass().getName()
					+ " is not registered by the overlay (Overlay.controlMessageTypes)");
		}
		return name;
	}

	public ByteBuf encode(ControlMessage message, ByteBufAllocator alloc) {
		ByteBuf out = alloc.buffer();
		try (OutputStream stream = new ByteBufOutputStream(out)) {
			this.mapper.writeValue(stream, message);
			return out;
		}
		catch (JacksonException | IOException ex) {
			out.release();
			throw new CodecException("Cannot encode control message " + message + ": " + ex.getMessage(), ex);
		}
	}

	public ControlMessage decode(String typeName, ByteBuf bytes) {
		Class<? extends ControlMessage> type = this.byName.get(typeName);
		if (type == null) {
			throw new CodecException("unknown control message type '" + typeName + "'");
		}
		try (InputStream in = new ByteBufInputStream(bytes.duplicate())) {
			return this.mapper.readValue(in, type);
		}
		catch (JacksonException | IOException ex) {
			throw new CodecException("Cannot decode control message '" + typeName + "': " + ex.getMessage(), ex);
		}
	}

}
