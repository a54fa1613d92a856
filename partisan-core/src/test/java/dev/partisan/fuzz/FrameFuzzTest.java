package dev.partisan.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.partisan.api.PartisanException;
import dev.partisan.testing.TrackingAllocator;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameNames;
import dev.partisan.wire.MalformedFrameException;
import dev.partisan.wire.MalformedTraceException;
import dev.partisan.wire.RelayCodec;
import dev.partisan.wire.TraceHeaders;
import dev.partisan.transport.TransportTestAccess;
import dev.partisan.wire.Hmac;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frame layer under mutated valid frames: the frame codec, the relay payload around
 * an inner frame, and the length-prefix splitting the transport does before either.
 */
class FrameFuzzTest {

	/** The transport's default largest frame; the splitter is tested with it. */
	static final int MAX_FRAME_SIZE = 1024 * 1024;

	@Test
	void aFrameDecodesWithinItsBoundsOrIsMalformed() {
		Fuzz.run("FrameCodec.decode", Seeds.frames(false), FrameFuzzTest::decodeFrame);
	}

	@Test
	void aFrameDecodedWithAConnectionsNameMemoKeepsTheSameContract() {
		// One memo for every input, as a connection keeps one for all its frames: the
		// mutated frames meet header text kept from the ones before.
		FrameNames names = new FrameNames();
		Fuzz.run("FrameCodec.decode with a name memo", Seeds.frames(false),
				(input) -> Fuzz.decode(input, (in) -> FrameCodec.decode(in, names), (in, frame) -> {
					Frame plain = FrameCodec.decode(Unpooled.wrappedBuffer(input));
					try {
						assertThat(List.of(frame.channel(), frame.sender(), frame.senderIdentity(), frame.destination(),
								frame.payloadType()))
							.as("what the memo answers is what decoding says")
							.containsExactly(plain.channel(), plain.sender(), plain.senderIdentity(),
									plain.destination(), plain.payloadType());
					}
					finally {
						plain.release();
					}
					checkDecoded(in, frame);
				}, MalformedFrameException.class, MalformedTraceException.class));
	}

	@Test
	void aRelayPayloadUnwrapsOrThrowsWhatRelayingCatches() {
		Fuzz.run("RelayCodec", relays(), FrameFuzzTest::unwrapRelay);
	}

	@Test
	void theLengthPrefixSplitterOnlyFailsAsADecoderAndLeaksNothing() {
		Fuzz.run("FrameDecoder (open session)", streams(),
				(stream) -> split(stream, () -> TransportTestAccess.openFrameDecoder(MAX_FRAME_SIZE, null)));
	}

	@Test
	void theSplitterBeforeTheHandshakeOnlyFailsAsADecoderAndLeaksNothing() {
		Fuzz.run("FrameDecoder (before the handshake)", streams(),
				(stream) -> split(stream, TransportTestAccess::handshakeFrameDecoder));
	}

	@Test
	void theSplitterOfASessionWithFrameMacsOnlyFailsAsADecoderAndLeaksNothing() {
		Fuzz.run("FrameDecoder (session MACs)", streams(), (stream) -> split(stream,
				() -> TransportTestAccess.openFrameDecoder(MAX_FRAME_SIZE, new Hmac(new byte[] { 1, 2, 3 }))));
	}

	static void decodeFrame(byte[] input) {
		Fuzz.decode(input, FrameCodec::decode, FrameFuzzTest::checkDecoded, MalformedFrameException.class,
				MalformedTraceException.class);
	}

	private static void checkDecoded(ByteBuf in, Frame frame) {
		try {
			assertWithinBounds(frame);
			assertThat(Fuzz.isTailOf(frame.payload(), in)).as("the payload is the rest of the input").isTrue();
		}
		finally {
			frame.release();
		}
	}

	static void unwrapRelay(byte[] input) {
		// Relaying drops a relay on PartisanException, IllegalArgumentException or
		// IndexOutOfBoundsException: those are the contract; anything else escapes it.
		Fuzz.decode(input, (payload) -> {
			RelayCodec.hopsLeft(payload);
			RelayCodec.originIncarnation(payload);
			return RelayCodec.inner(payload);
		}, (in, inner) -> {
			try {
				assertWithinBounds(inner);
				assertThat(Fuzz.isTailOf(inner.payload(), in)).isTrue();
			}
			finally {
				inner.release();
			}
		}, PartisanException.class, IllegalArgumentException.class, IndexOutOfBoundsException.class);
	}

	/**
	 * The stream, fed in pieces of a size its last byte picks (1 to 256 bytes), so that
	 * frames and length prefixes are split across reads.
	 */
	static void split(byte[] stream, Supplier<ChannelHandler> splitter) {
		int chunk = (stream.length == 0) ? 1 : 1 + (stream[stream.length - 1] & 0xff);
		TrackingAllocator alloc = new TrackingAllocator();
		// The transport's own splitter: the 4-byte length is stripped, frames over the
		// limit are refused, MACs are checked when the session has a key.
		EmbeddedChannel channel = new EmbeddedChannel(splitter.get());
		channel.config().setOption(ChannelOption.ALLOCATOR, alloc);
		List<ByteBuf> fed = new ArrayList<>();
		try {
			for (int from = 0; from < stream.length && channel.isOpen(); from += chunk) {
				ByteBuf piece = alloc.buffer(chunk);
				piece.writeBytes(stream, from, Math.min(chunk, stream.length - from));
				fed.add(piece);
				try {
					channel.writeInbound(piece);
				}
				catch (RuntimeException ex) {
					Fuzz.assertAllowed(ex, DecoderException.class);
				}
				for (ByteBuf frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
					assertThat(frame.readableBytes()).isLessThanOrEqualTo(MAX_FRAME_SIZE);
					frame.release();
				}
			}
		}
		finally {
			try {
				channel.finishAndReleaseAll();
			}
			catch (RuntimeException ex) {
				Fuzz.assertAllowed(ex, DecoderException.class);
			}
		}
		assertThat(fed).allMatch((piece) -> piece.refCnt() == 0, "released by the decoder");
		assertThat(alloc.unreleased()).isEmpty();
	}

	static List<byte[]> relays() {
		List<byte[]> seeds = new ArrayList<>();
		for (byte[] frame : Seeds.frames(true)) {
			ByteBuf wrapped = RelayCodec.wrap(ByteBufAllocator.DEFAULT, 1234L, Unpooled.wrappedBuffer(frame));
			seeds.add(ByteBufUtil.getBytes(wrapped));
			wrapped.release();
		}
		return seeds;
	}

	/**
	 * Several frames back to back, length prefixes included, as a connection carries
	 * them.
	 */
	static List<byte[]> streams() {
		List<byte[]> frames = Seeds.frames(true);
		List<byte[]> seeds = new ArrayList<>();
		for (int i = 0; i < frames.size(); i++) {
			ByteBuf stream = Unpooled.buffer();
			for (int j = 0; j <= i % 3; j++) {
				stream.writeBytes(frames.get((i + j) % frames.size()));
			}
			seeds.add(ByteBufUtil.getBytes(stream));
			stream.release();
		}
		seeds.addAll(frames);
		return seeds;
	}

	/**
	 * Each field is within what its length field can say: a decoded frame re-encodes, so
	 * a node can pass it on, answer it or log it without tripping over it.
	 */
	static void assertWithinBounds(Frame frame) {
		assertThat(frame.kind()).isNotNull();
		assertThat(frame.flags()).isBetween(0, 0xffff);
		assertThat(utf8Length(frame.channel())).as("channel bytes").isLessThanOrEqualTo(255);
		assertThat(utf8Length(frame.sender())).as("sender bytes").isLessThanOrEqualTo(255);
		assertThat(utf8Length(frame.senderIdentity())).as("sender identity bytes").isLessThanOrEqualTo(65535);
		assertThat(utf8Length(frame.destination())).as("destination bytes").isLessThanOrEqualTo(65535);
		assertThat(utf8Length(frame.payloadType())).as("payload type bytes").isLessThanOrEqualTo(65535);
		assertThat(frame.trace()).as("trace fields").hasSizeLessThanOrEqualTo(TraceHeaders.MAX_ENTRIES);
		int traceBytes = frame.trace()
			.entrySet()
			.stream()
			.mapToInt((entry) -> entry.getKey().length() + utf8Length(entry.getValue()))
			.sum();
		assertThat(traceBytes).as("trace bytes").isLessThanOrEqualTo(TraceHeaders.MAX_BYTES);
	}

	private static int utf8Length(String value) {
		return value.getBytes(StandardCharsets.UTF_8).length;
	}

}
