package dev.partisan.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameCodecTest {

	private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

	@Test
	void aFrameReadsBackAsWritten() {
		ByteBuf wire = FrameCodec.encode(this.alloc,
				new Frame(FrameKind.DATA, FrameCodec.FLAG_COMPRESSED, 42L, "vnode", "n1", "worker-7", "kv",
						StringPayloadCodec.ID, "", Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)));
		int length = wire.readInt();
		assertThat(length).isEqualTo(wire.readableBytes());
		Frame frame = FrameCodec.decode(wire);
		try {
			assertThat(frame.kind()).isEqualTo(FrameKind.DATA);
			assertThat(frame.compressed()).isTrue();
			assertThat(frame.messageId()).isEqualTo(42L);
			assertThat(frame.channel()).isEqualTo("vnode");
			assertThat(frame.sender()).isEqualTo("n1");
			assertThat(frame.senderIdentity()).isEqualTo("worker-7");
			assertThat(frame.destination()).isEqualTo("kv");
			assertThat(frame.codecId()).isEqualTo(StringPayloadCodec.ID);
			assertThat(frame.payload().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
		}
		finally {
			frame.release();
			wire.release();
		}
	}

	@Test
	void aConnectionsNameMemoAnswersRepeatedHeaderTextAndNeverAStaleValue() {
		FrameNames names = new FrameNames();
		String longName = "x".repeat(FrameNames.MAX_KEPT + 1);
		String[][] headers = { { "p", "a", "sender-1", "sink-1", "" }, { "p", "a", "sender-1", "sink-1", "" },
				{ "p", "a", "sender-1", "sink-2", "" }, { "q", "b", "sender-1", "sink-2", "t" },
				{ "p", "a", longName, "sink-\u00e9", "" }, { "p", "a", longName, "sink-\u00e9", "" } };
		Frame previous = null;
		for (String[] header : headers) {
			ByteBuf wire = FrameCodec.encode(this.alloc, new Frame(FrameKind.DATA, 0, 1, header[0], header[1],
					header[2], header[3], StringPayloadCodec.ID, header[4], Unpooled.copiedBuffer(new byte[] { 1 })));
			wire.skipBytes(FrameCodec.LENGTH_FIELD_SIZE);
			Frame frame = FrameCodec.decode(wire, names);
			try {
				assertThat(new String[] { frame.channel(), frame.sender(), frame.senderIdentity(), frame.destination(),
						frame.payloadType() })
					.containsExactly(header);
				assertThat(frame.payload().readableBytes()).isEqualTo(1);
				if (previous != null && previous.destination().equals(frame.destination())) {
					assertThat(frame.destination()).as("the kept string").isSameAs(previous.destination());
				}
				if (previous != null && frame.senderIdentity().equals(longName)
						&& previous.senderIdentity().equals(longName)) {
					assertThat(frame.senderIdentity()).as("too long to keep").isNotSameAs(previous.senderIdentity());
				}
			}
			finally {
				frame.release();
				wire.release();
			}
			previous = frame;
		}
	}

	@Test
	void aLargeHeapPayloadIsCopiedOnceIntoDirectPiecesBehindItsOwnHeaderAndTheCallerMayReuseItsArray() {
		byte[] big = new byte[1024 * 1024];
		big[big.length - 1] = 7;
		ByteBuf wire = FrameCodec.encode(this.alloc, new Frame(FrameKind.DATA, 0, 1, "default", "n1", "", "d",
				BinaryPayloadCodec.ID, "", Unpooled.wrappedBuffer(big)));
		try {
			big[big.length - 1] = 9;
			assertThat(wire.isDirect()).isTrue();
			assertThat(wire.nioBufferCount()).isEqualTo(2);
			assertThat(wire.nioBuffers()[0].remaining()).isLessThan(64);
			assertThat(wire.getByte(wire.writerIndex() - 1)).isEqualTo((byte) 7);
		}
		finally {
			wire.release();
		}
	}

	@Test
	void aLargeDirectPayloadIsSentAsItIsBehindItsOwnHeader() {
		ByteBuffer direct = ByteBuffer.allocateDirect(100_000);
		direct.put(99_999, (byte) 5);
		ByteBuf payload = Unpooled.wrappedBuffer(direct);
		ByteBuf wire = FrameCodec.encode(this.alloc,
				new Frame(FrameKind.DATA, 0, 1, "default", "n1", "", "d", BinaryPayloadCodec.ID, "", payload));
		try {
			assertThat(wire.nioBufferCount()).isEqualTo(2);
			ByteBuffer sent = wire.nioBuffers()[1];
			assertThat(sent.remaining()).isEqualTo(100_000);
			// The same memory: a change to the caller's buffer shows in the frame.
			direct.put(99_999, (byte) 6);
			assertThat(sent.get(sent.position() + 99_999)).isEqualTo((byte) 6);
		}
		finally {
			wire.release();
		}
		assertThat(payload.refCnt()).isZero();
	}

	@Test
	void aSmallPayloadSharesOneBufferWithItsHeader() {
		ByteBuf wire = FrameCodec.encode(this.alloc, new Frame(FrameKind.DATA, 0, 1, "default", "n1", "", "d",
				BinaryPayloadCodec.ID, "", Unpooled.wrappedBuffer(new byte[FrameCodec.GATHER_THRESHOLD - 1])));
		try {
			assertThat(wire.nioBufferCount()).isEqualTo(1);
		}
		finally {
			wire.release();
		}
	}

	@Test
	void anotherProtocolVersionIsRejected() {
		ByteBuf body = Unpooled.buffer().writeByte(9).writeByte(2);
		assertThatThrownBy(() -> FrameCodec.decode(body)).isInstanceOf(MalformedFrameException.class)
			.hasMessageContaining("unsupported protocol version 9");
	}

	@Test
	void anUnknownKindIsRejected() {
		ByteBuf body = Unpooled.buffer().writeByte(FrameCodec.VERSION).writeByte(99);
		assertThatThrownBy(() -> FrameCodec.decode(body)).isInstanceOf(MalformedFrameException.class)
			.hasMessageContaining("unknown frame kind 99");
	}

	@Test
	void aHeaderThatEndsEarlyIsRejected() {
		ByteBuf body = Unpooled.buffer().writeByte(FrameCodec.VERSION).writeByte(FrameKind.DATA.code()).writeShort(0);
		assertThatThrownBy(() -> FrameCodec.decode(body)).isInstanceOf(MalformedFrameException.class)
			.hasMessageContaining("ends inside its header");
	}

	@Test
	void aStringLengthPastTheEndIsRejected() {
		ByteBuf body = Unpooled.buffer()
			.writeByte(FrameCodec.VERSION)
			.writeByte(FrameKind.DATA.code())
			.writeShort(0)
			.writeLong(1)
			.writeByte(200)
			.writeBytes(new byte[3]);
		assertThatThrownBy(() -> FrameCodec.decode(body)).isInstanceOf(MalformedFrameException.class)
			.hasMessageContaining("channel length 200 runs past the end");
	}

	/**
	 * Found by the fuzz tests: 255 bytes of 0xff in the channel decoded to 255
	 * replacement characters, 765 bytes when written again, so a relayed frame could not
	 * be passed on.
	 */
	@Test
	void aHeaderStringThatIsNotValidUtf8IsRejectedRatherThanDecodedToSomethingLongerThanItsField() {
		byte[] invalid = new byte[255];
		Arrays.fill(invalid, (byte) 0xff);
		ByteBuf body = Unpooled.buffer()
			.writeByte(FrameCodec.VERSION)
			.writeByte(FrameKind.DATA.code())
			.writeShort(0)
			.writeLong(1)
			.writeByte(invalid.length)
			.writeBytes(invalid);
		assertThatThrownBy(() -> FrameCodec.decode(body)).isInstanceOf(MalformedFrameException.class)
			.hasMessageContaining("channel is not valid UTF-8");
	}

	@Test
	void aReplacementCharacterTheSenderWroteItselfIsValidTextAndReadsBack() {
		ByteBuf wire = FrameCodec.encode(this.alloc, new Frame(FrameKind.DATA, 0, 1, "ch\uFFFD", "n1", "", "d",
				StringPayloadCodec.ID, "", Unpooled.EMPTY_BUFFER));
		wire.skipBytes(FrameCodec.LENGTH_FIELD_SIZE);
		Frame frame = FrameCodec.decode(wire);
		try {
			assertThat(frame.channel()).isEqualTo("ch\uFFFD");
		}
		finally {
			frame.release();
			wire.release();
		}
	}

}
