package dev.partisan.demo.lasp.sync;

import dev.partisan.api.CodecException;
import dev.partisan.demo.lasp.core.AdUpdate;
import dev.partisan.demo.lasp.crdt.AdMap;
import dev.partisan.demo.lasp.crdt.AdState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The codec every demo node registers for its periodic state: it writes only ad updates,
 * reads them from heap and direct buffers alike, and refuses a malformed one or a handler
 * that does not take one with a codec error.
 */
class AdUpdateCodecTests {

	private final AdUpdateCodec codec = new AdUpdateCodec();

	private final AdUpdate update = new AdUpdate("ad-1",
			AdState.created(20).viewedBy("c1#k2").viewedBy("c2#k2").viewedBy("c1#k2"));

	@Test
	void itWritesAdUpdatesOnlyAndUnderAnApplicationId() {
		assertThat(this.codec.id()).isGreaterThanOrEqualTo((byte) 16);
		assertThat(this.codec.canEncode(this.update)).isTrue();
		assertThat(this.codec.canEncode(AdMap.empty())).isFalse();
		assertThat(this.codec.canEncode("text")).isFalse();
	}

	@Test
	void anUpdateReadsBackFromHeapDirectAndSlicedBuffers() {
		ByteBuf heap = this.codec.encode(this.update, ByteBufAllocator.DEFAULT);
		try {
			byte[] bytes = new byte[heap.readableBytes()];
			heap.getBytes(heap.readerIndex(), bytes);
			ByteBuf direct = Unpooled.directBuffer().writeBytes(bytes);
			ByteBuf padded = Unpooled.buffer().writeBytes(new byte[7]).writeBytes(bytes).writeBytes(new byte[3]);
			ByteBuf slice = padded.slice(7, bytes.length);
			for (ByteBuf buffer : new ByteBuf[] { heap, direct, slice }) {
				assertThat(this.codec.decode("", buffer, AdUpdate.class)).isEqualTo(this.update);
				assertThat(this.codec.decode("", buffer, Object.class)).isEqualTo(this.update);
			}
			direct.release();
			padded.release();
		}
		finally {
			heap.release();
		}
	}

	@Test
	void aMalformedStateOrAnotherHandlerTypeIsACodecError() {
		ByteBuf bytes = this.codec.encode(this.update, ByteBufAllocator.DEFAULT);
		try {
			ByteBuf truncated = bytes.slice(0, bytes.readableBytes() - 1);
			assertThatExceptionOfType(CodecException.class)
				.isThrownBy(() -> this.codec.decode("", truncated, AdUpdate.class))
				.withMessageStartingWith("Malformed ad state: Truncated");
			assertThatExceptionOfType(CodecException.class).isThrownBy(() -> this.codec.decode("", bytes, AdMap.class))
				.withMessageContaining(AdMap.class.getName());
			assertThatExceptionOfType(CodecException.class)
				.isThrownBy(() -> this.codec.decode("x.Y", bytes, AdUpdate.class))
				.withMessageContaining("'x.Y'");
		}
		finally {
			bytes.release();
		}
	}

	@Test
	void aReplicaIdThatCannotBeWrittenIsACodecErrorNamingTheAd() {
		AdUpdate unwritable = new AdUpdate("ad-9", AdState.created(3).viewedBy("c1 #1"));
		assertThatExceptionOfType(CodecException.class)
			.isThrownBy(() -> this.codec.encode(unwritable, ByteBufAllocator.DEFAULT))
			.withMessageContaining("'ad-9'")
			.withMessageContaining("printable ASCII");
	}

}
