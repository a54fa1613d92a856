package dev.partisan.transport;

import java.util.List;

import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.Hmac;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import org.jspecify.annotations.Nullable;

/**
 * Splits a connection's bytes into frames (their 4-byte length prefix stripped). Until
 * the handshake opens the session, a frame may be no larger than the handshake's limit,
 * so a peer that has proven nothing cannot make this node buffer a large frame; then the
 * node's frame limit applies. With a session key, each frame is followed by its MAC over
 * a sequence number and the frame, checked here before the frame goes on: a frame
 * injected, replayed, reordered or altered on the way closes the connection.
 *
 * <p>
 * While a large frame is incomplete, the reads are cumulated into a composite buffer,
 * which keeps the frame as the socket reads delivered it instead of copying it into an
 * ever larger buffer on every read. While a small one is, the reads are copied into one
 * buffer: a stream of small frames nearly always ends a read mid-frame, and frames sliced
 * out of a composite pay for its indirection on every byte that is decoded.
 */
final class FrameDecoder extends ByteToMessageDecoder {

	private int maxFrameSize;

	private @Nullable Hmac sessionKey;

	private long sequence;

	private boolean opened;

	/**
	 * Incomplete frames up to this many bytes (length prefix and MAC included) are
	 * gathered by copying; larger ones in a composite buffer.
	 */
	static final int COPY_LIMIT = 16 * 1024;

	/**
	 * The size of the incomplete frame the last decode stopped at (0 while its length is
	 * not known: then fewer than 4 bytes are left). Event loop only.
	 */
	private long pendingFrameBytes;

	FrameDecoder(int maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
		setCumulator(this::cumulate);
	}

	private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
		if (this.pendingFrameBytes > COPY_LIMIT) {
			return COMPOSITE_CUMULATOR.cumulate(alloc, cumulation, in);
		}
		if (!(cumulation instanceof CompositeByteBuf) || !cumulation.isReadable()) {
			return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
		}
		// A composite left by a large frame now ends in a small incomplete one.
		try {
			return alloc.ioBuffer(cumulation.readableBytes() + in.readableBytes())
				.writeBytes(cumulation)
				.writeBytes(in);
		}
		finally {
			cumulation.release();
			in.release();
		}
	}

	/**
	 * The session is open: frames up to {@code max} bytes, each MAC'd under {@code key}
	 * if given.
	 */
	void open(int max, @Nullable Hmac key) {
		this.maxFrameSize = max;
		this.sessionKey = key;
		this.opened = true;
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		int start = in.readerIndex();
		if (in.readableBytes() < FrameCodec.LENGTH_FIELD_SIZE) {
			this.pendingFrameBytes = 0;
			return;
		}
		int length = in.getInt(start);
		if (length < 0) {
			throw new CorruptedFrameException("negative frame length " + length);
		}
		if (length > this.maxFrameSize) {
			throw new TooLongFrameException("frame of " + length + " bytes exceeds " + this.maxFrameSize + " bytes"
					+ (this.opened ? ", the frame limit" : ", the limit before the handshake completes"));
		}
		Hmac key = this.sessionKey;
		int trailer = (key != null) ? Hmac.LENGTH : 0;
		long whole = (long) FrameCodec.LENGTH_FIELD_SIZE + length + trailer;
		if (in.readableBytes() < whole) {
			this.pendingFrameBytes = whole;
			return;
		}
		if (key != null) {
			byte[] expected = key.sign(this.sequence, in, start, FrameCodec.LENGTH_FIELD_SIZE + length);
			byte[] actual = new byte[Hmac.LENGTH];
			in.getBytes(start + FrameCodec.LENGTH_FIELD_SIZE + length, actual);
			if (!Hmac.matches(expected, actual)) {
				throw new CorruptedFrameException("frame " + this.sequence + " of the session failed its MAC check");
			}
			this.sequence++;
		}
		out.add(in.retainedSlice(start + FrameCodec.LENGTH_FIELD_SIZE, length));
		in.readerIndex(start + (int) whole);
	}

}
