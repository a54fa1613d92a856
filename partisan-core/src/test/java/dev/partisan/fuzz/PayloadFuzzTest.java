package dev.partisan.fuzz;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.partisan.api.CodecException;
import dev.partisan.api.NodeId;
import dev.partisan.delivery.CausalOrder;
import dev.partisan.fuzz.trap.Sprung;
import dev.partisan.wire.BinaryPayloadCodec;
import dev.partisan.wire.JacksonPayloadCodec;
import dev.partisan.wire.PayloadCodecs;
import dev.partisan.wire.StringPayloadCodec;
import dev.partisan.wire.TypeAllowList;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What follows the frame header: the causal header of a causal message, and the payload
 * decoded by the codec the frame names, under the type allow-list.
 */
class PayloadFuzzTest {

	/** A payload type the tests allow. */
	public record Point(int x, int y, String label) {
	}

	/**
	 * Type names a peer may write instead of an allowed one: JDK classes that gadget
	 * chains start from or pass through, a class whose initializer would show it was
	 * loaded, and near misses of allowed names.
	 */
	static final List<String> TYPE_NAMES = List.of(Point.class.getName(), "java.lang.Integer", "java.util.UUID",
			"java.net.URL", "java.util.HashMap", "java.util.PriorityQueue", "javax.naming.InitialContext",
			"javax.management.BadAttributeValueExpException", "javax.script.ScriptEngineManager",
			"java.lang.ProcessBuilder", "java.lang.Runtime", "java.lang.Object", "java.lang.Class",
			"com.sun.rowset.JdbcRowSetImpl", "[Ljava.lang.Integer;", "dev.partisan.fuzz.trap.Trap",
			Point.class.getName() + "X", "java.lang.Integer ", "");

	static final List<String> JSON = List.of("{\"x\":1,\"y\":2,\"label\":\"p\"}", "42", "\"text\"", "null",
			"\"3f1c5d2e-9a4b-4c1d-8e2f-0123456789ab\"", "{\"name\":\"trap\"}", "[\"java.net.URL\",\"http://x\"]",
			"{\"@class\":\"java.net.URL\"}");

	static final List<Class<?>> EXPECTED = List.of(Object.class, Point.class, String.class, byte[].class,
			ByteBuffer.class, Integer.class);

	private final TypeAllowList allowList = new TypeAllowList().allow(Point.class);

	private final PayloadCodecs codecs = new PayloadCodecs(List.of(), this.allowList);

	@Test
	void aCausalHeaderReadsOrThrowsWhatCausalHoldCatches() {
		Fuzz.run("CausalOrder.readHeader", causalHeaders(),
				(input) -> Fuzz.decode(input, CausalOrder::readHeader, (in, header) -> {
					assertThat(header.label()).isNotNull();
					assertThat(header.stamp()).allSatisfy((edge, count) -> assertThat(count).isNotNegative());
				}, IndexOutOfBoundsException.class, IllegalArgumentException.class));
	}

	@Test
	void aPayloadDecodesOnlyToAnAllowedTypeOrIsACodecException() {
		Fuzz.run("PayloadCodecs.decode", payloads(), this::decodePayload);
		assertThat(Sprung.INITIALIZED).as("a type outside the allow-list was initialized").isFalse();
	}

	/**
	 * The input is {@code u8 codec id | type name | '\n' | payload}; the payload's length
	 * picks the handler's type, so mutations reach every pairing.
	 */
	private void decodePayload(byte[] input) {
		if (input.length == 0) {
			return;
		}
		byte codecId = input[0];
		int newline = 1;
		while (newline < input.length && input[newline] != '\n') {
			newline++;
		}
		String typeName = new String(input, 1, newline - 1, StandardCharsets.UTF_8);
		byte[] payload = (newline < input.length) ? Arrays.copyOfRange(input, newline + 1, input.length) : new byte[0];
		Class<?> expected = EXPECTED.get(payload.length % EXPECTED.size());
		Fuzz.decode(payload, (bytes) -> this.codecs.decode(codecId, typeName, bytes, expected), (in, value) -> {
			assertThat(value).isNotNull();
			assertThat(expected).as("the handler's type").matches((type) -> type.isInstance(value));
			if (codecId == JacksonPayloadCodec.ID) {
				assertThat(this.allowList.isAllowed(typeName)).as("'" + typeName + "' is allow-listed").isTrue();
				assertThat(this.allowList.isAllowed(value.getClass().getName()))
					.as("the decoded " + value.getClass().getName() + " is allow-listed")
					.isTrue();
			}
		}, CodecException.class);
	}

	static List<byte[]> payloads() {
		List<byte[]> seeds = new ArrayList<>();
		byte[] codecIds = { BinaryPayloadCodec.ID, StringPayloadCodec.ID, JacksonPayloadCodec.ID, 0, 99 };
		for (int i = 0; i < TYPE_NAMES.size() * JSON.size(); i++) {
			byte codec = codecIds[(i % 7 == 0) ? i % codecIds.length : 2];
			String text = TYPE_NAMES.get(i % TYPE_NAMES.size()) + "\n" + JSON.get(i / TYPE_NAMES.size());
			ByteBuf seed = Unpooled.buffer().writeByte(codec).writeBytes(text.getBytes(StandardCharsets.UTF_8));
			seeds.add(ByteBufUtil.getBytes(seed));
			seed.release();
		}
		return seeds;
	}

	/** Headers as CausalStamp writes them: labels with empty and growing stamps. */
	static List<byte[]> causalHeaders() {
		CausalOrder order = new CausalOrder(NodeId.of("a"), 10);
		List<byte[]> seeds = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			ByteBuf out = Unpooled.buffer();
			order.stamp((i % 3 == 0) ? "" : "label-" + (i % 2), NodeId.of("n" + (i % 4)), out);
			seeds.add(ByteBufUtil.getBytes(out));
			out.release();
		}
		return seeds;
	}

}
