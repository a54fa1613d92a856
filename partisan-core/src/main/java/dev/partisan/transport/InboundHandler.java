package dev.partisan.transport;

import java.net.SocketAddress;

import dev.partisan.api.PartisanException;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.Hello;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the frames of one accepted connection. The first must be a valid hello (with the
 * cluster secret's proof when one is configured); anything else that is not a frame
 * closes this connection, with the reason logged, and nothing else.
 */
final class InboundHandler extends ChannelInboundHandlerAdapter implements InboundFlow {

	private static final Logger logger = LoggerFactory.getLogger(InboundHandler.class);

	private final InboundStats stats;

	private final TransportListener listener;

	private final byte @Nullable [] secret;

	private final java.util.function.Supplier<ByteBuf> ownHello;

	/**
	 * The accepted hello and what it counts against, set together once the handshake is
	 * accepted.
	 */
	private record Session(Hello hello, InboundStats.Counters counters, InboundStats.Liveness liveness) {
	}

	private @Nullable Session session;

	private boolean rejected;

	private @Nullable ChannelHandlerContext context;

	/** Pauses not yet lifted; event loop only. Reading resumes at zero. */
	private int pauses;

	InboundHandler(InboundStats stats, TransportListener listener, byte @Nullable [] secret,
			java.util.function.Supplier<ByteBuf> ownHello) {
		this.stats = stats;
		this.listener = listener;
		this.secret = secret;
		this.ownHello = ownHello;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf body = (ByteBuf) msg;
		if (this.rejected) {
			body.release();
			return;
		}
		int size = body.readableBytes() + FrameCodec.LENGTH_FIELD_SIZE;
		Frame frame;
		try {
			frame = FrameCodec.decode(body);
		}
		catch (PartisanException ex) {
			reject(ctx, ex.getMessage());
			return;
		}
		finally {
			body.release();
		}
		Session current = this.session;
		if (current == null) {
			acceptHello(ctx, frame);
			return;
		}
		if (frame.kind() == FrameKind.HELLO) {
			frame.release();
			reject(ctx, "a second hello on one connection");
			return;
		}
		current.liveness().lastHeardNanos = System.nanoTime();
		current.counters().messages.increment();
		current.counters().bytes.add(size);
		this.listener.onFrame(current.hello(), frame, this);
	}

	@Override
	public void pause() {
		onLoop(() -> {
			if (this.pauses++ == 0 && this.context != null) {
				this.context.channel().config().setAutoRead(false);
			}
		});
	}

	@Override
	public void resume() {
		onLoop(() -> {
			if (this.pauses > 0 && --this.pauses == 0 && this.context != null) {
				// Turning auto-read back on also asks for the next read.
				this.context.channel().config().setAutoRead(true);
			}
		});
	}

	/**
	 * Pause and resume change the channel on its event loop, in the order they were asked
	 * for.
	 */
	private void onLoop(Runnable task) {
		ChannelHandlerContext ctx = this.context;
		if (ctx == null) {
			return;
		}
		if (ctx.executor().inEventLoop()) {
			task.run();
		}
		else {
			ctx.executor().execute(task);
		}
	}

	private void acceptHello(ChannelHandlerContext ctx, Frame frame) {
		try {
			if (frame.kind() != FrameKind.HELLO) {
				reject(ctx, "expected a hello first, got " + frame.kind());
				return;
			}
			Hello received = Hello.decode(frame.payload(), this.secret);
			if (ChannelSpec.IDENTIFY.equals(received.channel())) {
				// A probe that knows our address but not our name: answer with our hello,
				// then hang up.
				this.rejected = true;
				ctx.writeAndFlush(this.ownHello.get()).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
				return;
			}
			InboundStats.Liveness liveness = this.stats.liveness(received.node().id());
			liveness.lastHeardNanos = System.nanoTime();
			this.session = new Session(received,
					this.stats.counters(received.node().id(), received.channel(), received.lane()), liveness);
			logger.debug("Accepted {} lane {} from {}", received.channel(), received.lane(), received.node());
		}
		catch (PartisanException ex) {
			reject(ctx, ex.getMessage());
		}
		finally {
			frame.release();
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		String reason = (cause instanceof DecoderException && cause.getMessage() != null) ? cause.getMessage()
				: cause.toString();
		reject(ctx, reason);
	}

	private void reject(ChannelHandlerContext ctx, @Nullable String reason) {
		if (this.rejected) {
			return;
		}
		this.rejected = true;
		SocketAddress remote = ctx.channel().remoteAddress();
		Session current = this.session;
		String who = (current != null) ? current.hello().node() + " (" + remote + ")" : String.valueOf(remote);
		logger.warn("Closing connection from {}: {}", who, reason);
		ctx.close();
	}

}
