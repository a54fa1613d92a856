package dev.partisan.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.LaneStats;
import dev.partisan.api.LogText;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.RateLimitedLog;
import dev.partisan.api.UnknownNodeException;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.Handshake;
import dev.partisan.wire.HandshakeRejectedException;
import dev.partisan.wire.Hmac;
import dev.partisan.wire.Hello;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A node's network: its server, and the connection table to its peers. Peers are added
 * and removed by the overlay through the runtime; new connections are opened by a refresh
 * task at most {@code connectionsPerRefresh} per peer per {@code refreshInterval},
 * control lane first, so a node that joins a large cluster is not flooded with N × C × P
 * simultaneous connection attempts (the papers' LISTEN-queue mitigation). The same task
 * redials dropped lanes, with back-off after a failed attempt.
 */
public final class NettyTransport implements Transport {

	private static final Logger logger = LoggerFactory.getLogger(NettyTransport.class);

	private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024);

	private final TransportSettings settings;

	private final TransportListener listener;

	private final ScheduledExecutorService timer;

	private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

	private final Map<NodeId, PeerLanes> peers = new ConcurrentHashMap<>();

	private final InboundStats inbound = new InboundStats();

	private final Set<Connection> accepted = ConcurrentHashMap.newKeySet();

	private final LaneChooser chooser;

	/** How often idle flows of balanced channels are forgotten (on the refresh task). */
	private static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** When idle flows were last swept; refresh task only. */
	private long lastSweepNanos = System.nanoTime();

	private final byte @Nullable [] secret;

	private final InboundHandler.Acceptor acceptor;

	private final Admission admission = new Admission();

	private final LoopResources loops;

	private final TcpClient client;

	private volatile Node local;

	private final long incarnation;

	private @Nullable DisposableServer server;

	/** "epoll" or "nio" once the server is bound. */
	private volatile String io = "nio";

	private @Nullable ScheduledFuture<?> refreshTask;

	public NettyTransport(TransportSettings settings, Node local, long incarnation, TransportListener listener,
			ScheduledExecutorService timer) {
		this.settings = settings;
		this.local = local;
		this.incarnation = incarnation;
		this.listener = listener;
		this.timer = timer;
		this.secret = Hello.secretBytes(settings.clusterSecret());
		this.acceptor = new InboundHandler.Acceptor(() -> this.local, incarnation, Hmac.of(settings.clusterSecret()),
				this.secret, settings.maxFrameSize(), handshakeTimeout(settings), settings.tls() != null,
				new RateLimitedLog(LoggerFactory.getLogger(InboundHandler.class)));
		this.chooser = new LaneChooser(settings.channels(), settings.affinity(), local.id());
		this.loops = LoopResources.create("partisan-" + local.name(), settings.eventLoopThreads(), true);
		this.client = TcpClient.newConnection()
			.runOn(this.loops)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.SO_KEEPALIVE, true)
			.option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
	}

	/**
	 * Which socket layer the event loops run on: Reactor Netty takes the native epoll
	 * transport where it loads (Linux, with the native library on the class path) and
	 * Java NIO elsewhere.
	 */
	private static String ioOf(Channel channel) {
		return channel.getClass().getSimpleName().startsWith("Epoll") ? "epoll" : "nio";
	}

	private void logIo(String io) {
		if (io.equals("epoll")) {
			logger.info("Node {} runs its connections on Netty's native epoll transport", this.local.name());
		}
		else if (Epoll.isAvailable()) {
			logger.info("Node {} runs its connections on Java NIO: native transports are turned off "
					+ "(reactor.netty.native=false)", this.local.name());
		}
		else {
			Throwable cause = Epoll.unavailabilityCause();
			logger.info("Node {} runs its connections on Java NIO: the native epoll transport does not load here ({})",
					this.local.name(),
					(cause != null) ? LogText.escape(String.valueOf(cause.getMessage())) : "unknown");
		}
	}

	@Override
	public boolean isListening() {
		return this.server != null;
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("kind", "tcp");
		details.put("io", this.io);
		details.put("listening", this.local.address());
		details.put("tls", this.settings.tls() != null);
		details.put("authenticated", this.settings.clusterSecret() != null);
		details.put("handshakesInProgress", this.admission.pending());
		details.put("connectionsRefused", this.admission.refused());
		return details;
	}

	/**
	 * Binds the server and starts the refresh task; returns this node with its bound
	 * port.
	 */
	@Override
	public Node start() {
		DisposableServer bound = ServerBinding.bindNow(TcpServer.create()
			.runOn(this.loops)
			.host(this.local.host())
			.port(this.local.port())
			.option(ChannelOption.SO_BACKLOG, this.settings.listenBacklog())
			.childOption(ChannelOption.TCP_NODELAY, true)
			.doOnConnection(this::accept)
			// Subscribing to the inbound turns reading on (Reactor Netty accepts with
			// auto-read off) and ends
			// the connection when the peer closes it; the frames themselves are taken by
			// our handlers.
			.handle((in, out) -> in.receive().then()), this.local);
		this.server = bound;
		this.local = this.local.withPort(((InetSocketAddress) bound.address()).getPort());
		this.io = ioOf(bound.channel());
		logIo(this.io);
		long period = this.settings.refreshInterval().toNanos();
		this.refreshTask = this.timer.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.NANOSECONDS);
		return this.local;
	}

	/**
	 * How long a connection may take to finish the handshake: twice the connect time-out,
	 * at least 2 s.
	 */
	private static Duration handshakeTimeout(TransportSettings settings) {
		Duration twice = settings.connectTimeout().multipliedBy(2);
		return (twice.compareTo(Duration.ofSeconds(2)) < 0) ? Duration.ofSeconds(2) : twice;
	}

	public Node localNode() {
		return this.local;
	}

	/**
	 * A connection was accepted: it may start a handshake if not too many are in progress
	 * ({@link Admission}); its frames are then read by an {@link InboundHandler}.
	 */
	private void accept(Connection conn) {
		SocketAddress remote = conn.channel().remoteAddress();
		if (!this.admission.admit(remote)) {
			logger.debug("Refused a connection from {}: {} handshakes in progress", remote, this.admission.pending());
			conn.dispose();
			return;
		}
		Tls tls = this.settings.tls();
		if (tls != null) {
			conn.channel().pipeline().addFirst("partisan-tls", tls.serverHandler(conn.channel().alloc()));
		}
		FrameDecoder decoder = new FrameDecoder(Handshake.MAX_FRAME);
		track(conn).addHandlerLast("partisan-frames", decoder)
			.addHandlerLast("partisan-inbound",
					new InboundHandler(this.inbound, this.listener, this.acceptor, decoder, this.admission));
	}

	private Connection track(Connection conn) {
		this.accepted.add(conn);
		conn.onDispose(() -> this.accepted.remove(conn));
		return conn;
	}

	/**
	 * Adds {@code peer} to the connection table (or updates its address) and starts
	 * dialling it.
	 */
	@Override
	public void connect(Node peer) {
		if (peer.id().equals(this.local.id())) {
			return;
		}
		boolean[] added = { false };
		PeerLanes lanes = this.peers.computeIfAbsent(peer.id(), (id) -> {
			added[0] = true;
			return new PeerLanes(peer, this.settings);
		});
		if (!lanes.node().equals(peer)) {
			lanes.updateAddress(peer);
		}
		if (added[0]) {
			// A new peer gets its first connection (the control lane) now rather than at
			// the next refresh;
			// asking again for a known peer must not, or repeated asks would bypass the
			// pacing.
			this.timer.execute(() -> refresh(lanes, System.nanoTime()));
		}
	}

	/**
	 * Removes {@code peer} from the connection table, closing its lanes and dropping what
	 * they queue.
	 */
	@Override
	public void disconnect(NodeId peer) {
		PeerLanes removed = this.peers.remove(peer);
		if (removed != null) {
			removed.close();
		}
		this.chooser.forget(peer);
	}

	@Override
	public boolean hasPeer(NodeId peer) {
		return this.peers.containsKey(peer);
	}

	@Override
	public Set<NodeId> peers() {
		return Set.copyOf(this.peers.keySet());
	}

	/** Whether the control lane is open, or just dropped and is being redialled. */
	@Override
	public boolean isControlConnected(NodeId peer) {
		PeerLanes lanes = this.peers.get(peer);
		if (lanes == null) {
			return false;
		}
		Lane.State state = lanes.control().state();
		return state == Lane.State.CONNECTED || state == Lane.State.RECONNECTING;
	}

	@Override
	public boolean isFullyConnected(NodeId peer) {
		PeerLanes lanes = this.peers.get(peer);
		return lanes != null && lanes.fullyConnected();
	}

	/**
	 * Nanoseconds since the last frame from {@code peer}, {@link Long#MAX_VALUE} if none
	 * ever came.
	 */
	@Override
	public long silenceNanos(NodeId peer) {
		return this.inbound.silenceNanos(peer);
	}

	/**
	 * Queues a frame on the lane that the chooser selects; a control frame on the control
	 * lane. An injected egress delay ({@link Outgoing#notBeforeNanos()}) holds back the
	 * frames queued behind it on its lane.
	 * @throws UnknownNodeException when the peer is not in the connection table
	 */
	@Override
	public void send(Outgoing message) {
		ByteBuf frame = message.takeFrame();
		PeerLanes lanes = this.peers.get(message.peer());
		if (lanes == null) {
			frame.release();
			throw new UnknownNodeException(message.peer());
		}
		if (ChannelSpec.CONTROL.equals(message.channel())) {
			lanes.control().enqueue(frame, message.written(), message.notBeforeNanos(), null);
			return;
		}
		LaneChooser.Choice choice = this.chooser.choose(message);
		Lane[] channelLanes = lanes.lanes(choice.channel().name());
		if (channelLanes == null) {
			frame.release();
			throw new IllegalStateException("No lanes for channel '" + choice.channel().name() + "'");
		}
		channelLanes[choice.lane()].enqueue(frame, message.written(), message.notBeforeNanos(), choice.supersedeKey());
	}

	/** A snapshot of the connection table. */
	@Override
	public List<LaneStats> stats() {
		List<LaneStats> rows = new ArrayList<>();
		for (PeerLanes lanes : this.peers.values()) {
			for (Lane lane : lanes.dialOrder()) {
				InboundStats.Counters received = this.inbound.find(lanes.id(), lane.channel, lane.index);
				rows.add(lane.stats(received.messages.sum(), received.bytes.sum()));
			}
		}
		return rows;
	}

	private void refresh() {
		long now = System.nanoTime();
		boolean sweep = now - this.lastSweepNanos > SWEEP_INTERVAL_NANOS;
		if (sweep) {
			this.lastSweepNanos = now;
		}
		for (PeerLanes lanes : this.peers.values()) {
			refresh(lanes, now);
		}
		if (sweep) {
			this.chooser.sweep(now, this::laneIsEmpty);
		}
	}

	private boolean laneIsEmpty(NodeId peer, String channel, int lane) {
		PeerLanes lanes = this.peers.get(peer);
		Lane[] channelLanes = (lanes != null) ? lanes.lanes(channel) : null;
		return channelLanes == null || channelLanes[lane].queuedMessages() == 0;
	}

	private void refresh(PeerLanes lanes, long now) {
		if (this.peers.get(lanes.id()) != lanes) {
			return;
		}
		int budget = this.settings.connectionsPerRefresh();
		for (Lane lane : lanes.dialOrder()) {
			if (budget == 0) {
				return;
			}
			if (lane.dueForDial(now) && lane.markConnecting()) {
				dial(lane);
				budget--;
			}
		}
	}

	private void dial(Lane lane) {
		Node target = lane.peer.node();
		boolean control = lane.channel.equals(ChannelSpec.CONTROL);
		ClientHandshake handshake = handshake(lane.channel, lane.index, target.name());
		this.client.host(target.host()).port(target.port()).doOnConnected((conn) -> {
			// Read, so the handshake's answers arrive and a peer closing the socket is
			// noticed at once.
			conn.channel().config().setAutoRead(true);
			install(conn, handshake, target.host(), target.port());
			conn.addHandlerLast("partisan-lane", lane.new WritabilityHandler());
		}).connect().subscribe((conn) -> handshake.result().whenComplete((welcome, error) -> {
			if (error == null) {
				onConnected(lane, conn, control);
			}
			else {
				conn.dispose();
				onConnectFailed(lane, error, control);
			}
		}), (error) -> onConnectFailed(lane, error, control));
	}

	/** The dialling side of the handshake for one new connection. */
	private ClientHandshake handshake(String channel, int lane, @Nullable String expected) {
		Hello hello = new Hello(this.local, this.incarnation, channel, lane, System.currentTimeMillis());
		return new ClientHandshake(new ClientHandshake.Credentials(hello, this.secret, this.acceptor.secret(),
				this.local.name(), this.settings.tls() != null), expected, new FrameMacWriter(),
				this.acceptor.handshakeTimeout());
	}

	/**
	 * Puts the handshake on a new connection to {@code host:port}: TLS first when
	 * configured, the frame decoder, the handshake itself, and the writer of the
	 * session's frame MACs.
	 */
	private void install(Connection conn, ClientHandshake handshake, String host, int port) {
		Tls tls = this.settings.tls();
		if (tls != null) {
			conn.channel().pipeline().addFirst("partisan-tls", tls.clientHandler(conn.channel().alloc(), host, port));
		}
		conn.addHandlerLast("partisan-frames", new FrameDecoder(Handshake.MAX_FRAME))
			.addHandlerLast("partisan-handshake", handshake)
			.addHandlerLast("partisan-macs", handshake.macs());
	}

	/**
	 * Asks the node listening at {@code host:port} who it is: the way to join a seed
	 * known only by address (DNS discovery). It answers only a node that proves the
	 * cluster secret. Completes with the node, or fails when it cannot be reached or does
	 * not answer.
	 */
	@Override
	public CompletableFuture<Node> identify(String host, int port) {
		CompletableFuture<Node> result = new CompletableFuture<>();
		ClientHandshake handshake = handshake(ChannelSpec.IDENTIFY, 0, null);
		this.client.host(host).port(port).doOnConnected((conn) -> {
			conn.channel().config().setAutoRead(true);
			install(conn, handshake, host, port);
		}).connect().subscribe((conn) -> handshake.result().whenComplete((welcome, error) -> {
			conn.dispose();
			if (error == null) {
				result.complete(welcome.node());
			}
			else {
				result.completeExceptionally(error);
			}
		}), result::completeExceptionally);
		return result.orTimeout(this.settings.connectTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
	}

	private void onConnected(Lane lane, Connection conn, boolean control) {
		lane.connected(conn);
		logger.debug("Connected {} to {}", lane.describe(), lane.peer.node());
		if (control) {
			this.listener.onControlConnected(lane.peer.id());
		}
		if (lane.peer.fullyConnected()) {
			this.listener.onFullyConnected(lane.peer.id());
		}
	}

	/**
	 * A dial or its handshake failed: the lane backs off (exponentially, with jitter). A
	 * refused handshake is said at WARN once per run of failures, then quietly.
	 */
	private void onConnectFailed(Lane lane, Throwable error, boolean control) {
		lane.connectFailed();
		if (error instanceof HandshakeRejectedException && lane.failures() == 1) {
			logger.warn("Handshake of {} with {} failed: {} (retrying with back-off; logged again once it succeeds)",
					lane.describe(), lane.peer.node(), LogText.escape(error.getMessage()));
		}
		else {
			logger.debug("Connecting {} to {} failed: {}", lane.describe(), lane.peer.node(), LogText.escape(error));
		}
		if (control && this.peers.get(lane.peer.id()) == lane.peer) {
			this.listener.onControlUnreachable(lane.peer.id(), error);
		}
	}

	@Override
	public void close() {
		if (this.refreshTask != null) {
			this.refreshTask.cancel(false);
		}
		this.peers.values().forEach(PeerLanes::close);
		this.peers.clear();
		if (this.server != null) {
			this.server.disposeNow(Duration.ofSeconds(5));
		}
		this.accepted.forEach(Connection::dispose);
		this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(2)).block(Duration.ofSeconds(10));
	}

	/** An empty payload buffer, for frames that carry none. */
	public static ByteBuf emptyPayload() {
		return Unpooled.EMPTY_BUFFER;
	}

	public ByteBufAllocator allocator() {
		return this.alloc;
	}

}
