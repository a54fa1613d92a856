package dev.partisan.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.partisan.wire.Hmac;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frame splitter copies small incomplete frames together and gathers large ones in a
 * composite buffer; either way every frame comes out as it went in, whatever the reads
 * cut it into, and nothing is left unreleased.
 */
class FrameDecoderTest {

	private static final int MAX = 4 * 1024 * 1024;

	@Test
	void smallAndLargeFramesSurviveAnyCutOfTheStream() {
		for (int read : new int[] { 1, 3, 100, 1000, 8191, 65536, 300_000 }) {
			// Byte by byte, a megabyte frame would take a million reads: left out then.
			splitAndCompare(read, null, read >= 100);
		}
	}

	@Test
	void smallAndLargeFramesSurviveAnyCutOfTheStreamWithSessionMacs() {
		Hmac key = new Hmac(new byte[] { 7, 7, 7 });
		for (int read : new int[] { 1, 100, 8191, 65536 }) {
			splitAndCompare(read, key, read >= 100);
		}
	}

	/**
	 * Small frames, then one past the copy limit, then small ones again, and a large one
	 * at the end: the splitter goes from copying to a composite and back.
	 */
	private static List<byte[]> bodies(boolean withMegabyte) {
		Random random = new Random(13);
		int[] sizes = { 100, 60, 1, FrameDecoder.COPY_LIMIT - 4, 100, 3 * FrameDecoder.COPY_LIMIT, 100, 100, 200,
				FrameDecoder.COPY_LIMIT + 1, 5, 1024 * 1024, 100 };
		List<byte[]> bodies = new ArrayList<>();
		for (int size : sizes) {
			if (size > 4 * FrameDecoder.COPY_LIMIT && !withMegabyte) {
				continue;
			}
			byte[] body = new byte[size];
			random.nextBytes(body);
			bodies.add(body);
		}
		return bodies;
	}

	private static void splitAndCompare(int read, @Nullable Hmac key, boolean withMegabyte) {
		List<byte[]> bodies = bodies(withMegabyte);
		ByteBuf stream = Unpooled.buffer();
		long sequence = 0;
		for (byte[] body : bodies) {
			int start = stream.writerIndex();
			stream.writeInt(body.length).writeBytes(body);
			if (key != null) {
				stream.writeBytes(key.sign(sequence++, stream, start, 4 + body.length));
			}
		}
		FrameDecoder decoder = new FrameDecoder(MAX);
		decoder.open(MAX, key);
		EmbeddedChannel channel = new EmbeddedChannel(decoder);
		List<ByteBuf> fed = new ArrayList<>();
		List<byte[]> out = new ArrayList<>();
		try {
			while (stream.isReadable()) {
				ByteBuf piece = channel.alloc().buffer(Math.min(read, stream.readableBytes()));
				stream.readBytes(piece, Math.min(read, stream.readableBytes()));
				fed.add(piece);
				channel.writeInbound(piece);
				for (ByteBuf frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
					out.add(ByteBufUtil.getBytes(frame));
					frame.release();
				}
			}
		}
		finally {
			stream.release();
			channel.finishAndReleaseAll();
		}
		assertThat(out).as("frames read %d bytes at a time", read).hasSize(bodies.size());
		for (int i = 0; i < bodies.size(); i++) {
			assertThat(out.get(i)).as("frame %d, read %d bytes at a time", i, read).isEqualTo(bodies.get(i));
		}
		assertThat(fed).allMatch((piece) -> piece.refCnt() == 0, "every read released");
	}

}
