package dev.partisan.transport;

import dev.partisan.wire.Hmac;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import org.jspecify.annotations.Nullable;

/**
 * Follows every frame written after the handshake with its MAC under the session key (see
 * {@link FrameDecoder}): a sequence number that counts the session's frames, then the
 * frame as it is on the wire. The frame itself is not touched, so a buffer shared with
 * the retransmission store stays as it is. Off until the session opens, and off when
 * there is no cluster secret.
 */
final class FrameMacWriter extends ChannelOutboundHandlerAdapter {

	private @Nullable Hmac sessionKey;

	private long sequence;

	/** From the next frame on, frames are MAC'd under {@code key}. Event loop only. */
	void open(@Nullable Hmac key) {
		this.sessionKey = key;
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		Hmac key = this.sessionKey;
		if (key == null || !(msg instanceof ByteBuf frame)) {
			ctx.write(msg, promise);
			return;
		}
		byte[] mac = key.sign(this.sequence++, frame, frame.readerIndex(), frame.readableBytes());
		ctx.write(frame, ctx.voidPromise());
		ctx.write(Unpooled.wrappedBuffer(mac), promise);
	}

}
