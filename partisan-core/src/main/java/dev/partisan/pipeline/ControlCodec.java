package dev.partisan.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import dev.partisan.api.CodecException;
import dev.partisan.membership.ControlMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import org.jspecify.annotations.Nullable;
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
		ControlMessage message;
		try (InputStream in = new ByteBufInputStream(bytes.duplicate())) {
			message = this.mapper.readValue(in, type);
		}
		catch (JacksonException | IOException ex) {
			throw new CodecException("Cannot decode control message '" + typeName + "': " + ex.getMessage(), ex);
		}
		// Jackson reads the JSON null as no message and a missing field as null; the
		// overlays take their messages as complete, so either would fail later on the
		// overlay's thread instead of here, where the control path drops the message.
		if (message == null) {
			throw new CodecException("Control message '" + typeName + "' is null");
		}
		String missing = missing(message, typeName);
		if (missing != null) {
			throw new CodecException("Control message '" + typeName + "' has no " + missing);
		}
		return message;
	}

	/**
	 * The path to the first null in a record component not marked {@link Nullable}, or in
	 * a list, or {@code null} when there is none. Records decoded from JSON are trees, so
	 * the walk ends.
	 */
	private static @Nullable String missing(Object value, String path) {
		if (value instanceof Record) {
			for (RecordComponent component : value.getClass().getRecordComponents()) {
				Object field = read(component, value);
				String at = path + "." + component.getName();
				String found = (field != null) ? missing(field, at)
						: component.getAnnotatedType().isAnnotationPresent(Nullable.class) ? null : at;
				if (found != null) {
					return found;
				}
			}
		}
		else if (value instanceof Collection<?> elements) {
			int i = 0;
			for (Object element : elements) {
				String at = path + "[" + i++ + "]";
				String found = (element != null) ? missing(element, at) : at;
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	private static @Nullable Object read(RecordComponent component, Object record) {
		try {
			Method accessor = component.getAccessor();
			// Overlays may keep their message records package-private (Plumtree does).
			accessor.setAccessible(true);
			return accessor.invoke(record);
		}
		catch (ReflectiveOperationException ex) {
			throw new CodecException("Cannot read " + component + " of a control message", ex);
		}
	}

}
