package dev.partisan.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.LogText;
import dev.partisan.api.PartisanException;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.Handshake;
import dev.partisan.wire.HandshakeRejectedException;
import dev.partisan.wire.Hello;
import dev.partisan.wire.Hmac;
import dev.partisan.wire.MalformedFrameException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jspecify.annotations.Nullable;

/**
 * The dialling side of the {@link Handshake} on one connection: sends the hello, answers
 * the challenge, checks the welcome (and that the node which answered is the one
 * dialled), then turns on the session's frame MACs. {@link #result()} completes with the
 * welcome, or fails, and the connection closes, when the acceptor refuses, proves
 * nothing, answers as another node, or does not finish within the time-out.
 */
final class ClientHandshake extends ChannelInboundHandlerAdapter {

	private enum Step {

		CHALLENGE, WELCOME, OPEN

	}

	/**
	 * What the dialler needs to say who it is and to prove it; {@code tls} says that TLS
	 * protects the frames, so they need no MAC of their own.
	 */
	record Credentials(Hello hello, byte @Nullable [] secret, @Nullable Hmac key, String sender, boolean tls) {
	}

	private final Credentials credentials;

	private final Handshake handshake;

	private final @Nullable String expected;

	private final FrameMacWriter macs;

	private final Duration timeout;

	private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

	private final CompletableFuture<Handshake.Welcome> result = new CompletableFuture<>();

	private Step step = Step.CHALLENGE;

	private boolean started;

	/**
	 * @param expected the name of the node dialled, or {@code null} for a probe that asks
	 * who is there
	 */
	ClientHandshake(Credentials credentials, @Nullable String expected, FrameMacWriter macs, Duration timeout) {
		this.credentials = credentials;
		// The transport's one Hmac of the secret: a Mac per thread, not one made per
		// dial.
		this.handshake = Handshake.dialling(credentials.key(), credentials.hello());
		this.expected = expected;
		this.macs = macs;
		this.timeout = timeout;
	}

	/** The writer of this connection's frame MACs, opened with the session. */
	FrameMacWriter macs() {
		return this.macs;
	}

	CompletableFuture<Handshake.Welcome> result() {
		return this.result;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		start(ctx);
		super.channelActive(ctx);
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		if (ctx.channel().isActive()) {
			start(ctx);
		}
	}

	private void start(ChannelHandlerContext ctx) {
		if (this.started) {
			return;
		}
		this.started = true;
		Hello hello = this.credentials.hello();
		ctx.writeAndFlush(frame(FrameKind.HELLO, hello.encode(this.alloc, this.credentials.secret())));
		ctx.executor()
			.schedule(() -> fail(ctx, "the node did not complete the handshake within " + this.timeout),
					this.timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf body = (ByteBuf) msg;
		if (this.result.isDone()) {
			body.release();
			return;
		}
		try {
			Frame frame = FrameCodec.decode(body);
			try {
				read(ctx, frame);
			}
			finally {
				frame.release();
			}
		}
		catch (HandshakeRejectedException ex) {
			fail(ctx, ex);
		}
		catch (PartisanException ex) {
			fail(ctx, ex.getMessage());
		}
		finally {
			body.release();
		}
	}

	private void read(ChannelHandlerContext ctx, Frame frame) {
		if (this.step == Step.CHALLENGE && frame.kind() == FrameKind.CHALLENGE) {
			ctx.writeAndFlush(frame(FrameKind.PROOF, this.handshake.proof(this.alloc, frame.payload())));
			this.step = Step.WELCOME;
			return;
		}
		if (this.step == Step.WELCOME && frame.kind() == FrameKind.WELCOME) {
			Handshake.Welcome welcome = this.handshake.checkWelcome(frame.payload());
			if (this.expected != null && !this.expected.equals(welcome.node().name())) {
				throw new NodeNameMismatchException(this.expected, welcome.node().name());
			}
			if (!this.credentials.tls()) {
				this.macs.open(this.handshake.sessionKey(welcome.node().name(), welcome.incarnation()));
			}
			this.step = Step.OPEN;
			this.result.complete(welcome);
			return;
		}
		if (this.step == Step.WELCOME && frame.kind() == FrameKind.NAME_TAKEN) {
			// Not authenticated (the accepting node's proof is in the welcome): at worst
			// a
			// forged refusal, which anyone on the path could cause by closing the
			// connection.
			throw new NodeNameTakenException(this.credentials.hello().node().name(),
					LogText.escape(frame.payload().toString(StandardCharsets.UTF_8)));
		}
		throw new MalformedFrameException("unexpected " + frame.kind() + " frame during the handshake");
	}

	private ByteBuf frame(FrameKind kind, ByteBuf payload) {
		Hello hello = this.credentials.hello();
		return FrameCodec.encode(this.alloc,
				Frame.of(kind, 0, hello.channel(), this.credentials.sender()).withPayload(payload));
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		fail(ctx, "the node closed the connection during the handshake");
		super.channelInactive(ctx);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (this.result.isDone()) {
			ctx.fireExceptionCaught(cause);
			return;
		}
		fail(ctx, String.valueOf(cause.getMessage()));
	}

	private void fail(ChannelHandlerContext ctx, @Nullable String reason) {
		fail(ctx, new HandshakeRejectedException(String.valueOf(reason)));
	}

	private void fail(ChannelHandlerContext ctx, HandshakeRejectedException rejection) {
		if (this.result.completeExceptionally(rejection)) {
			ctx.close();
		}
	}

}
