package dev.partisan.transport;

import dev.partisan.wire.Hmac;
import io.netty.channel.ChannelHandler;
import org.jspecify.annotations.Nullable;

/**
 * The transport's package-private handlers, for tests in other packages (the fuzz
 * targets).
 */
public final class TransportTestAccess {

	private TransportTestAccess() {
	}

	/**
	 * The frame splitter an accepted connection starts with: frames up to the handshake
	 * limit.
	 */
	public static ChannelHandler handshakeFrameDecoder() {
		return new FrameDecoder(dev.partisan.wire.Handshake.MAX_FRAME);
	}

	/**
	 * The frame splitter of an open session: frames up to {@code max}, MAC'd under
	 * {@code key} if given.
	 */
	public static ChannelHandler openFrameDecoder(int max, @Nullable Hmac key) {
		FrameDecoder decoder = new FrameDecoder(dev.partisan.wire.Handshake.MAX_FRAME);
		decoder.open(max, key);
		return decoder;
	}

}
