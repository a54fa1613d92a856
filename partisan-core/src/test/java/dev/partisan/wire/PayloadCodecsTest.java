package dev.partisan.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.partisan.api.CodecException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadCodecsTest {

	record Greeting(String text, int times) {
	}

	record Other(String value) {
	}

	private final TypeAllowList allowList = new TypeAllowList();

	private final PayloadCodecs codecs = new PayloadCodecs(List.of(), this.allowList);

	private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

	@Test
	void bytesPassThroughTheEncoderWithoutACopy() {
		byte[] bytes = { 1, 2, 3 };
		PayloadCodec codec = this.codecs.codecFor(bytes);
		ByteBuf encoded = codec.encode(bytes, this.alloc);
		assertThat(codec.id()).isEqualTo(BinaryPayloadCodec.ID);
		assertThat(encoded.hasArray()).isTrue();
		assertThat(encoded.array()).isSameAs(bytes);
		assertThat((byte[]) this.codecs.decode(codec.id(), "", encoded, byte[].class)).containsExactly(1, 2, 3);
		assertThat(this.codecs.decode(codec.id(), "", encoded, ByteBuffer.class)).isEqualTo(ByteBuffer.wrap(bytes));
	}

	@Test
	void stringsTravelAsUtf8() {
		ByteBuf encoded = this.codecs.codecFor("grüße").encode("grüße", this.alloc);
		assertThat(this.codecs.decode(StringPayloadCodec.ID, "", encoded, String.class)).isEqualTo("grüße");
		encoded.release();
	}

	@Test
	void anAllowListedRecordRoundTrips() {
		this.allowList.allow(Greeting.class);
		Greeting greeting = new Greeting("hi", 3);
		PayloadCodec codec = this.codecs.codecFor(greeting);
		ByteBuf encoded = codec.encode(greeting, this.alloc);
		Object decoded = this.codecs.decode(codec.id(), codec.typeName(greeting), encoded, Greeting.class);
		assertThat(decoded).isEqualTo(greeting);
		encoded.release();
	}

	@Test
	void aTypeThatIsNotAllowListedIsRefusedBeforeDecoding() {
		Other other = new Other("x");
		PayloadCodec codec = this.codecs.codecFor(other);
		ByteBuf encoded = codec.encode(other, this.alloc);
		assertThatThrownBy(() -> this.codecs.decode(codec.id(), codec.typeName(other), encoded, Object.class))
			.isInstanceOf(CodecException.class)
			.hasMessageContaining("is not allow-listed");
		encoded.release();
	}

	@Test
	void aClassNameIsCheckedBeforeItIsLoaded() {
		ByteBuf empty = this.alloc.buffer();
		assertThatThrownBy(() -> this.codecs.decode(JacksonPayloadCodec.ID, "com.example.Gadget", empty, Object.class))
			.isInstanceOf(CodecException.class)
			.hasMessageContaining("'com.example.Gadget' is not allow-listed");
		empty.release();
	}

	@Test
	void anAllowListedTypeMustFitTheHandler() {
		this.allowList.allow(Greeting.class).allow(Other.class);
		Other other = new Other("x");
		ByteBuf encoded = this.codecs.codecFor(other).encode(other, this.alloc);
		assertThatThrownBy(
				() -> this.codecs.decode(JacksonPayloadCodec.ID, Other.class.getName(), encoded, Greeting.class))
			.isInstanceOf(CodecException.class)
			.hasMessageContaining("does not fit the handler's type");
		encoded.release();
	}

	@Test
	void packagesUnderJavaCannotBeAllowListed() {
		assertThatThrownBy(() -> this.allowList.allowPackage("java.util")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("gadget");
	}

	@Test
	void anUnknownCodecIdIsAClearError() {
		ByteBuf empty = this.alloc.buffer();
		assertThatThrownBy(() -> this.codecs.decode((byte) 77, "", empty, Object.class))
			.isInstanceOf(CodecException.class)
			.hasMessageContaining("unknown payload codec id 77");
		empty.release();
	}

	/**
	 * Found by a longer fuzz run: an allow-listed type name over the JSON {@code null}
	 * decoded to no payload at all, which the handler would have been given.
	 */
	@Test
	void theJsonNullIsNotAPayloadEvenForAnAllowedType() {
		ByteBuf json = Unpooled.copiedBuffer("null", StandardCharsets.UTF_8);
		assertThatThrownBy(() -> this.codecs.decode(JacksonPayloadCodec.ID, "java.lang.Integer", json, Integer.class))
			.isInstanceOf(CodecException.class)
			.hasMessageContaining("is the JSON null");
		json.release();
	}

}
