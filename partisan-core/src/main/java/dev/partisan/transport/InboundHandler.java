package dev.partisan.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.partisan.api.LogText;
import dev.partisan.api.Node;
import dev.partisan.api.PartisanException;
import dev.partisan.api.RateLimitedLog;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.FrameNames;
import dev.partisan.wire.Handshake;
import dev.partisan.wire.Hello;
import dev.partisan.wire.Hmac;
import dev.partisan.wire.MalformedTraceException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted connection: the accepting side of the {@link Handshake}, then its frames.
 * Nothing but the handshake is decoded before the session is open; a connection that does
 * not finish it within the time-out, sends anything else, or fails a proof is closed,
 * with the reason logged, and nothing else. A probe for this node's name (the identify
 * channel) gets the welcome, then the connection closes.
 */
final class InboundHandler extends ChannelInboundHandlerAdapter implements InboundFlow {

	private static final Logger logger = LoggerFactory.getLogger(InboundHandler.class);

	/** Malformed trace sections come at a peer's rate: one line per peer a minute. */
	private static final RateLimitedLog TRACE_REFUSALS = new RateLimitedLog(logger);

	/**
	 * What the accepting node needs: who it is, its secret, and where frames and figures
	 * go.
	 */
	record Acceptor(Supplier<Node> local, long incarnation, @Nullable Hmac secret, byte @Nullable [] secretBytes,
			int maxFrameSize, Duration handshakeTimeout, boolean tls, RateLimitedLog refusals) {
	}

	/**
	 * The accepted hello and what it counts against, set together once the handshake is
	 * accepted.
	 */
	private record Session(Hello hello, InboundStats.Counters counters, InboundStats.Liveness liveness) {
	}

	private final InboundStats stats;

	private final TransportListener listener;

	private final Acceptor acceptor;

	private final FrameDecoder decoder;

	private final Admission admission;

	private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

	/** The header text of this connection's last frame; event loop only. */
	private final FrameNames names = new FrameNames();

	private @Nullable Handshake handshake;

	private @Nullable Session session;

	private boolean settled;

	private boolean rejected;

	private @Nullable ChannelHandlerContext context;

	/** Pauses not yet lifted; event loop only. Reading resumes at zero. */
	private int pauses;

	InboundHandler(InboundStats stats, TransportListener listener, Acceptor acceptor, FrameDecoder decoder,
			Admission admission) {
		this.stats = stats;
		this.listener = listener;
		this.acceptor = acceptor;
		this.decoder = decoder;
		this.admission = admission;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
		ctx.executor().schedule(() -> {
			if (this.session == null) {
				reject(ctx, "no handshake within " + this.acceptor.handshakeTimeout());
			}
		}, this.acceptor.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		settle(ctx);
		super.channelInactive(ctx);
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
			frame = FrameCodec.decode(body, this.names);
		}
		catch (MalformedTraceException ex) {
			Session open = this.session;
			if (open == null) {
				reject(ctx, ex.getMessage());
			}
			else {
				// The frame's length was sound, so the frames after it are: drop this one
				// only.
				TRACE_REFUSALS.warn(open.hello().node().name(),
						"Dropped frame from {}: {} (logged once a minute per node)", open.hello().node().id(),
						LogText.escape(ex.getMessage()));
			}
			return;
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
			handshake(ctx, frame);
			return;
		}
		if (frame.kind().compareTo(FrameKind.CHALLENGE) >= 0 || frame.kind() == FrameKind.HELLO) {
			frame.release();
			reject(ctx, "a handshake frame (" + frame.kind() + ") after the handshake");
			return;
		}
		current.liveness().lastHeardNanos = System.nanoTime();
		current.counters().messages.increment();
		current.counters().bytes.add(size);
		this.listener.onFrame(current.hello(), frame, this);
	}

	private void handshake(ChannelHandlerContext ctx, Frame frame) {
		try {
			Handshake started = this.handshake;
			if (started == null && frame.kind() == FrameKind.HELLO) {
				Hello hello = Hello.decode(frame.payload(), this.acceptor.secretBytes());
				Handshake accepting = Handshake.accepting(this.acceptor.secret(), hello);
				this.handshake = accepting;
				ctx.writeAndFlush(frame(FrameKind.CHALLENGE, hello.channel(), accepting.challenge(this.alloc)));
				return;
			}
			if (started != null && frame.kind() == FrameKind.PROOF) {
				started.checkProof(frame.payload());
				open(ctx, started);
				return;
			}
			reject(ctx, "expected " + ((started == null) ? "a hello first" : "a proof") + ", got " + frame.kind());
		}
		catch (PartisanException ex) {
			reject(ctx, ex.getMessage());
		}
		finally {
			frame.release();
		}
	}

	private void open(ChannelHandlerContext ctx, Handshake accepted) {
		Hello hello = accepted.dialler();
		Node local = this.acceptor.local().get();
		ByteBuf welcome = frame(FrameKind.WELCOME, hello.channel(),
				accepted.welcome(this.alloc, local, this.acceptor.incarnation()));
		settle(ctx);
		boolean sameName = hello.node().name().equals(local.name())
				&& hello.incarnation() != this.acceptor.incarnation();
		if (sameName) {
			logger.error(
					"Node {} at {} is named '{}' like this node ({}): node names must be unique in a cluster; "
							+ "it is refused (set partisan.node.name to a name of its own)",
					LogText.escape(hello.node()), ctx.channel().remoteAddress(), LogText.escape(local.name()),
					local.address());
		}
		if (ChannelSpec.IDENTIFY.equals(hello.channel())) {
			// A probe that knows our address but not our name, and has proven it may know
			// it.
			this.rejected = true;
			ctx.writeAndFlush(welcome).addListener(ChannelFutureListener.CLOSE);
			return;
		}
		if (sameName) {
			welcome.release();
			reject(ctx, "another node is already named '" + local.name() + "'");
			return;
		}
		Node namesake = this.listener.liveNamesake(hello.node());
		if (namesake != null) {
			welcome.release();
			refuseTakenName(ctx, hello, namesake);
			return;
		}
		ctx.writeAndFlush(welcome);
		// With TLS every byte is protected already; without, the session key MACs each
		// frame.
		this.decoder.open(this.acceptor.maxFrameSize(),
				this.acceptor.tls() ? null : accepted.sessionKey(local.name(), this.acceptor.incarnation()));
		InboundStats.Liveness liveness = this.stats.liveness(hello.node().id());
		liveness.lastHeardNanos = System.nanoTime();
		this.session = new Session(hello, this.stats.counters(hello.node().id(), hello.channel(), hello.lane()),
				liveness);
		logger.debug("Accepted {} lane {} from {}", LogText.escape(hello.channel()), hello.lane(), hello.node());
	}

	/**
	 * Tells a dialler whose name a live member at another address goes by that it is
	 * refused, and where that member is, then closes. Logged once a minute per name: the
	 * refused node keeps trying.
	 */
	private void refuseTakenName(ChannelHandlerContext ctx, Hello hello, Node namesake) {
		this.rejected = true;
		this.acceptor.refusals()
			.warn("name-taken:" + hello.node().name(),
					"Node {} refused {} ({}): the name '{}' is taken by the live member at {}; node names must be "
							+ "unique in a cluster (set partisan.node.name to a name of its own on each instance)",
					this.acceptor.local().get().id(), LogText.escape(hello.node().address()),
					ctx.channel().remoteAddress(), LogText.escape(hello.node().name()), namesake.address());
		ByteBuf address = this.alloc.buffer().writeBytes(namesake.address().getBytes(StandardCharsets.UTF_8));
		ctx.writeAndFlush(frame(FrameKind.NAME_TAKEN, hello.channel(), address))
			.addListener(ChannelFutureListener.CLOSE);
	}

	private ByteBuf frame(FrameKind kind, String channel, ByteBuf payload) {
		return FrameCodec.encode(this.alloc,
				Frame.of(kind, 0, channel, this.acceptor.local().get().name()).withPayload(payload));
	}

	/**
	 * The connection no longer counts as a handshake in progress (it finished, or it
	 * closed).
	 */
	private void settle(ChannelHandlerContext ctx) {
		if (!this.settled) {
			this.settled = true;
			this.admission.settle(ctx.channel().remoteAddress());
		}
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
	 * On this connection's event loop, {@code task} becomes a task of the loop, which
	 * runs it once the reads of its current turn have been handled; from any other thread
	 * it runs at once.
	 */
	@Override
	public void afterRead(Runnable task) {
		ChannelHandlerContext ctx = this.context;
		if (ctx != null && ctx.executor().inEventLoop()) {
			try {
				ctx.executor().execute(task);
				return;
			}
			catch (RejectedExecutionException ex) {
				// The loop is shutting down: no later turn to wait for.
			}
		}
		task.run();
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
		// Once per address and minute, with a count of the rest: a misconfigured or
		// hostile
		// peer cannot flood the log. The reason may quote what the peer sent: escaped.
		String address = (remote instanceof InetSocketAddress inet) ? String.valueOf(inet.getAddress())
				: String.valueOf(remote);
		this.acceptor.refusals().warn(address, "Closing connection from {}: {}", who, LogText.escape(reason));
		ctx.close();
	}

}
