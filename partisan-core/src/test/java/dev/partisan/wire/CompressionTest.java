package dev.partisan.wire;

import java.util.Random;

import dev.partisan.api.CodecException;
import dev.partisan.testing.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Deflate and inflate read their input where it is, also when it is in several pieces (a
 * stamp in front of a payload, a frame as the socket reads delivered it), and inflation
 * refuses what is truncated, corrupt or too large.
 */
class CompressionTest {

	private final TrackingAllocator alloc = new TrackingAllocator();

	@AfterEach
	void nothingLeaks() {
		assertThat(this.alloc.unreleased()).isEmpty();
	}

	@Test
	void aPayloadInPiecesDeflatesAndInflatesBackToTheSameBytes() {
		byte[] bytes = sample(500_000);
		ByteBuf deflated = Compression.deflate(pieces(bytes, 70_000), this.alloc);
		assertThat(deflated.readableBytes()).isLessThan(bytes.length / 2);
		CompositeByteBuf received = pieces(ByteBufUtil.getBytes(deflated), 999);
		ByteBuf inflated = Compression.inflate(received, this.alloc, bytes.length);
		try {
			assertThat(ByteBufUtil.getBytes(inflated)).isEqualTo(bytes);
		}
		finally {
			inflated.release();
			received.release();
			deflated.release();
		}
	}

	@Test
	void aTruncatedPayloadIsRefused() {
		ByteBuf deflated = Compression.deflate(Unpooled.wrappedBuffer(sample(100_000)), this.alloc);
		ByteBuf cut = deflated.slice(0, deflated.readableBytes() / 2);
		try {
			assertThatThrownBy(() -> Compression.inflate(cut, this.alloc, 1_000_000)).isInstanceOf(CodecException.class)
				.hasMessageContaining("truncated");
		}
		finally {
			deflated.release();
		}
	}

	@Test
	void aPayloadThatInflatesPastTheLimitIsRefused() {
		ByteBuf deflated = Compression.deflate(Unpooled.wrappedBuffer(new byte[1_000_000]), this.alloc);
		try {
			assertThatThrownBy(() -> Compression.inflate(deflated, this.alloc, 100_000))
				.isInstanceOf(CodecException.class)
				.hasMessageContaining("inflates past");
		}
		finally {
			deflated.release();
		}
	}

	@Test
	void bytesThatAreNotDeflateAreRefused() {
		ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
		assertThatThrownBy(() -> Compression.inflate(garbage, this.alloc, 1000)).isInstanceOf(CodecException.class);
	}

	private static CompositeByteBuf pieces(byte[] bytes, int piece) {
		CompositeByteBuf composite = Unpooled.compositeBuffer(Integer.MAX_VALUE);
		for (int offset = 0; offset < bytes.length; offset += piece) {
			int length = Math.min(piece, bytes.length - offset);
			composite.addComponent(true, Unpooled.directBuffer(length).writeBytes(bytes, offset, length));
		}
		return composite;
	}

	private static byte[] sample(int size) {
		byte[] bytes = new byte[size];
		Random random = new Random(size);
		for (int i = 0; i < size; i++) {
			bytes[i] = (byte) ((i % 50 < 45) ? 'a' + (i % 13) : random.nextInt());
		}
		return bytes;
	}

}
