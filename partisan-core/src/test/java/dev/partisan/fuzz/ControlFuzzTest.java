package dev.partisan.fuzz;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.partisan.api.CodecException;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.ClientServerReach;
import dev.partisan.membership.ControlMessage;
import dev.partisan.membership.FullMeshOverlay;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.membership.Overlay;
import dev.partisan.pipeline.ControlCodec;
import dev.partisan.pubsub.PubSubControlTypes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every control message type of every overlay, decoded from mutated valid messages: a
 * message the overlay can act on, or a CodecException, which the control path drops.
 * Anything else — and a message with a field missing, which the overlay would trip over
 * later — would reach the overlay's thread.
 */
class ControlFuzzTest {

	/** JSON that a valid message never is, but a peer can send. */
	static final List<String> HOSTILE_JSON = List.of("", "null", "{}", "[]", "\"text\"", "1e999999", "{\"node\":null}",
			"{\"members\":[null]}", "{\"nodes\":[null],\"origin\":null}", "{\"id\":{\"origin\":null}}",
			"[".repeat(5000), "{\"a\":".repeat(3000), "{\"payload\":\"" + "A".repeat(1000) + "\"}");

	@Test
	void everyControlMessageOfEveryOverlayDecodesCompleteOrIsACodecException() {
		allTypes().forEach((name, type) -> {
			ControlCodec codec = new ControlCodec(Map.of(name, type));
			List<byte[]> seeds = new ArrayList<>(Seeds.utf8(HOSTILE_JSON));
			seeds.add(encode(codec, sample(type)));
			Fuzz.run("ControlCodec.decode(" + name + ")", seeds,
					(input) -> Fuzz.decode(input, (bytes) -> codec.decode(name, bytes),
							(in, message) -> assertComplete(message), CodecException.class));
		});
	}

	/**
	 * The registered types of the full-mesh, client-server, peer-to-peer (with Plumtree)
	 * and pub-sub overlays.
	 */
	static Map<String, Class<? extends ControlMessage>> allTypes() {
		Map<String, Class<? extends ControlMessage>> all = new TreeMap<>();
		for (Overlay overlay : List.of(
				new FullMeshOverlay(Duration.ofSeconds(1)), ClientServerReach
					.overlay(Node.of("s", "localhost", 1).withTag(ClientServerReach.SERVER), Duration.ofSeconds(1)),
				new HyParViewOverlay(HyParViewOverlay.Settings.DEFAULTS))) {
			all.putAll(overlay.controlMessageTypes());
		}
		all.putAll(PubSubControlTypes.all());
		return all;
	}

	static byte[] encode(ControlCodec codec, ControlMessage message) {
		ByteBuf out = codec.encode(message, ByteBufAllocator.DEFAULT);
		try {
			return ByteBufUtil.getBytes(out);
		}
		finally {
			out.release();
		}
	}

	static void assertComplete(@Nullable ControlMessage message) {
		assertThat(message).as("decoded message").isNotNull();
		assertThat(missing(message, message.getClass().getSimpleName())).as("a field the overlay relies on").isNull();
	}

	/** The path to the first null that is not a {@code @Nullable} component, or null. */
	private static @Nullable String missing(Object value, String path) {
		if (value instanceof Record) {
			for (RecordComponent component : value.getClass().getRecordComponents()) {
				Object field = read(component, value);
				if (field == null) {
					if (!component.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
						return path + "." + component.getName();
					}
				}
				else {
					String found = missing(field, path + "." + component.getName());
					if (found != null) {
						return found;
					}
				}
			}
		}
		else if (value instanceof Collection<?> elements) {
			int i = 0;
			for (Object element : elements) {
				String found = (element != null) ? missing(element, path + "[" + i + "]") : path + "[" + i + "]";
				if (found != null) {
					return found;
				}
				i++;
			}
		}
		return null;
	}

	private static @Nullable Object read(RecordComponent component, Object record) {
		try {
			component.getAccessor().setAccessible(true);
			return component.getAccessor().invoke(record);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A valid instance of a control message record, built from its components' types, so
	 * that a type an overlay adds is fuzzed without a seed written for it.
	 */
	static <T> T sample(Class<T> type) {
		try {
			RecordComponent[] components = type.getRecordComponents();
			Class<?>[] types = new Class<?>[components.length];
			Object[] values = new Object[components.length];
			for (int i = 0; i < components.length; i++) {
				types[i] = components[i].getType();
				values[i] = sampleOf(components[i].getGenericType());
			}
			Constructor<T> constructor = type.getDeclaredConstructor(types);
			constructor.setAccessible(true);
			return constructor.newInstance(values);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("cannot build a sample " + type.getName(), ex);
		}
	}

	private static Object sampleOf(Type type) {
		if (type instanceof ParameterizedType generic && generic.getRawType() == List.class) {
			Type element = generic.getActualTypeArguments()[0];
			return List.of(sampleOf(element), sampleOf(element));
		}
		Class<?> raw = (Class<?>) type;
		if (raw == String.class) {
			return "n2";
		}
		if (raw == int.class) {
			return 3;
		}
		if (raw == long.class) {
			return 7L;
		}
		if (raw == boolean.class) {
			return true;
		}
		if (raw == byte.class) {
			return (byte) 2;
		}
		if (raw == byte[].class) {
			return "payload".getBytes(StandardCharsets.UTF_8);
		}
		if (raw == Node.class) {
			return new Node(NodeId.of("n1"), "localhost", 10100, "server");
		}
		if (raw.isRecord()) {
			return sample(raw);
		}
		throw new IllegalStateException("no sample for " + type + ": teach ControlFuzzTest.sampleOf");
	}

}
