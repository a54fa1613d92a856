package dev.partisan.wire;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The optional trace section of a frame: it travels when there is one, a frame without it
 * is the same bytes as before it existed, and a peer cannot make a node keep more than
 * the bounds allow.
 */
class TraceSectionTest {

	private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

	private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

	@Test
	void aTraceContextReadsBackWithThePayloadAfterIt() {
		Map<String, String> trace = Map.of("traceparent", TRACEPARENT, "baggage", "tenant=acme");
		Frame frame = roundTrip(frame("hello").withTrace(trace));
		try {
			assertThat(frame.trace()).isEqualTo(trace);
			assertThat(frame.flags() & FrameCodec.FLAG_TRACE).isNotZero();
			assertThat(frame.payload().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
		}
		finally {
			frame.release();
		}
	}

	@Test
	void aFrameWithoutATraceIsTheSameBytesAsBeforeAndHasNoSectionFlag() {
		ByteBuf plain = FrameCodec.encode(this.alloc, frame("hello"));
		ByteBuf flaggedButEmpty = FrameCodec.encode(this.alloc, frame("hello").withFlags(FrameCodec.FLAG_TRACE));
		try {
			assertThat(plain).isEqualTo(flaggedButEmpty);
			// 4 length + version + kind, then the flags: none.
			assertThat(plain.getUnsignedShort(6)).isZero();
			plain.skipBytes(FrameCodec.LENGTH_FIELD_SIZE);
			Frame decoded = FrameCodec.decode(plain);
			assertThat(decoded.trace()).isEmpty();
			assertThat(decoded.payload().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
			decoded.release();
		}
		finally {
			plain.release();
			flaggedButEmpty.release();
		}
	}

	@Test
	void aSenderLeavesOutAFieldThatWouldBreakTheBoundsAndEncodingRefusesOneThatDoes() {
		Map<String, String> full = new HashMap<>();
		for (int i = 0; i < TraceHeaders.MAX_ENTRIES; i++) {
			assertThat(TraceHeaders.fits(full, "k" + i, "v")).isTrue();
			full.put("k" + i, "v");
		}
		assertThat(TraceHeaders.fits(full, "one-more", "v")).isFalse();
		assertThat(TraceHeaders.fits(Map.of(), "big", "x".repeat(TraceHeaders.MAX_BYTES))).isFalse();
		assertThat(TraceHeaders.fits(Map.of(), "bad key", "v")).isFalse();

		full.put("one-more", "v");
		ByteBuf payload = Unpooled.copiedBuffer("x", StandardCharsets.UTF_8);
		assertThatThrownBy(() -> FrameCodec.encode(this.alloc, frame("x").withPayload(payload).withTrace(full)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("more than " + TraceHeaders.MAX_ENTRIES);
		assertThat(payload.refCnt()).as("the payload is released when encoding fails").isZero();
	}

	@Test
	void aSectionWithTooManyFieldsIsAMalformedTraceNotAMalformedFrame() {
		ByteBuf body = body(frame("x").withTrace(Map.of("traceparent", TRACEPARENT)));
		body.setByte(sectionStart(body), TraceHeaders.MAX_ENTRIES + 1);
		assertThatThrownBy(() -> FrameCodec.decode(body)).isInstanceOf(MalformedTraceException.class)
			.isInstanceOf(dev.partisan.api.CodecException.class)
			.hasMessageContaining("17 fields");
		body.release();
	}

	@Test
	void aFieldLongerThanTheSectionBoundIsRefusedBeforeItIsRead() {
		ByteBuf body = body(frame("x").withTrace(Map.of("k", "v")));
		int valueLength = sectionStart(body) + 1 + 1 + 1;
		body.setShort(valueLength, 60_000);
		body.writeBytes(new byte[60_000]);
		assertThatThrownBy(() -> FrameCodec.decode(body)).isInstanceOf(MalformedTraceException.class)
			.hasMessageContaining("1024 bytes");
		body.release();
	}

	@Test
	void aSectionCutShortOrRepeatingAFieldIsRefused() {
		ByteBuf cut = body(frame("").withTrace(Map.of("k", "value")));
		cut.writerIndex(cut.writerIndex() - 2);
		assertThatThrownBy(() -> FrameCodec.decode(cut)).isInstanceOf(MalformedTraceException.class);
		cut.release();

		ByteBuf twice = body(frame("").withTrace(Map.of("k", "v")));
		twice.setByte(sectionStart(twice), 2);
		twice.writeByte(1).writeByte('k').writeShort(1).writeByte('w');
		assertThatThrownBy(() -> FrameCodec.decode(twice)).isInstanceOf(MalformedTraceException.class)
			.hasMessageContaining("twice");
		twice.release();
	}

	private Frame frame(String text) {
		return new Frame(FrameKind.DATA, 0, 7, "default", "n1", "actor", "inbox", StringPayloadCodec.ID, "",
				Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
	}

	private Frame roundTrip(Frame frame) {
		ByteBuf body = body(frame);
		try {
			return FrameCodec.decode(body);
		}
		finally {
			body.release();
		}
	}

	/** The encoded frame without its length prefix, as the decoder gets it. */
	private ByteBuf body(Frame frame) {
		ByteBuf wire = FrameCodec.encode(this.alloc, frame);
		ByteBuf body = Unpooled.buffer()
			.writeBytes(wire, FrameCodec.LENGTH_FIELD_SIZE, wire.readableBytes() - FrameCodec.LENGTH_FIELD_SIZE);
		wire.release();
		return body;
	}

	/**
	 * Where the trace section starts in a body of {@link #frame}: past version, kind,
	 * flags, id, channel, sender, identity, destination, codec and payload type.
	 */
	private static int sectionStart(ByteBuf body) {
		return 1 + 1 + 2 + 8 + (1 + "default".length()) + (1 + "n1".length()) + (2 + "actor".length())
				+ (2 + "inbox".length()) + 1 + 2;
	}

}
