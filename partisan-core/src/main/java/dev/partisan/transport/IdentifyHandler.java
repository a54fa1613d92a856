package dev.partisan.transport;

import java.util.concurrent.CompletableFuture;

import dev.partisan.api.Node;
import dev.partisan.api.PartisanException;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.Hello;
import dev.partisan.wire.MalformedFrameException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jspecify.annotations.Nullable;

/** Reads the hello a probed node answers with, and completes with who it is. */
final class IdentifyHandler extends ChannelInboundHandlerAdapter {

	private final CompletableFuture<Node> result;

	private final byte @Nullable [] secret;

	IdentifyHandler(CompletableFuture<Node> result, byte @Nullable [] secret) {
		this.result = result;
		this.secret = secret;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf body = (ByteBuf) msg;
		try {
			Frame frame = FrameCodec.decode(body);
			try {
				if (frame.kind() != FrameKind.HELLO) {
					throw new MalformedFrameException("expected a hello in answer, got " + frame.kind());
				}
				this.result.complete(Hello.decode(frame.payload(), this.secret).node());
			}
			finally {
				frame.release();
			}
		}
		catch (PartisanException ex) {
			this.result.completeExceptionally(ex);
		}
		finally {
			body.release();
			ctx.close();
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.result.completeExceptionally(new PartisanException("the node closed the connection without answering"));
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		this.result.completeExceptionally(cause);
		ctx.close();
	}

}
