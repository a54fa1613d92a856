package dev.partisan.runtime;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.api.CallTimeoutException;
import dev.partisan.api.DeliveryStats;
import dev.partisan.api.ForwardOptions;
import dev.partisan.api.JoinException;
import dev.partisan.api.LaneStats;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.MessageHandler;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;
import dev.partisan.api.PartisanException;
import dev.partisan.api.Registration;
import dev.partisan.api.RequestHandler;
import dev.partisan.interpose.FaultInjector;
import dev.partisan.interpose.Interposition;
import dev.partisan.membership.Overlay;
import dev.partisan.pipeline.OutboundEnvelope;
import dev.partisan.pipeline.OutboundPath;
import dev.partisan.pipeline.Sending;
import dev.partisan.transport.Transport;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.TypeAllowList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Partisan runtime, as an application sees it: a facade that assembles the message
 * path (the stages of {@link dev.partisan.pipeline}), the transport, the overlay and the
 * control loop, and delegates to them.
 *
 * <p>
 * Threads: the transport's threads split frames and run the inbound path up to the
 * mailbox; handler workers decode payloads and run handlers; the control thread
 * ({@link ControlLoop}) runs the overlay, heartbeats and up/down tracking, so overlays
 * need no locks. Senders run the outbound path on their own thread, which only encodes
 * and queues.
 */
public final class PartisanNode implements Partisan {

	private static final Logger logger = LoggerFactory.getLogger(PartisanNode.class);

	private static final AtomicLong LAST_INCARNATION = new AtomicLong();

	private enum State {

		NEW, STARTED, CLOSED

	}

	private final PartisanConfig config;

	private final long incarnation;

	private final TypeAllowList allowList = new TypeAllowList();

	private final MessagePaths paths;

	private final MemberTracker tracker;

	private final ControlLoop loop;

	private final FullConnections connections = new FullConnections();

	private final FaultInjector faults;

	private volatile State state = State.NEW;

	private volatile Node local;

	private @Nullable Transport transport;

	private @Nullable Overlay overlay;

	private @Nullable OutboundPath outbound;

	private PartisanNode(PartisanConfig config) {
		this.config = config;
		this.local = config.node();
		this.incarnation = LAST_INCARNATION
			.updateAndGet((last) -> Math.max(last + 1, System.currentTimeMillis() * 1000));
		this.allowList.allowPackages(config.allowedPackages());
		this.paths = new MessagePaths(config, this.allowList, this.incarnation);
		this.tracker = new MemberTracker(config.node().id());
		this.loop = new ControlLoop(config.node().id(), this.tracker, this.paths.calls, config.failureTimeout());
		this.faults = new FaultInjector(this.paths.interposition, config.node().id(), this::close,
				config.node().name().hashCode());
	}

	/** A node with this configuration, not started yet. */
	public static PartisanNode create(PartisanConfig config) {
		return new PartisanNode(config);
	}

	/**
	 * The interposition pipeline every message in and out of this node passes through.
	 */
	public Interposition interposition() {
		return this.paths.interposition;
	}

	/** A fault injector for this node (seeded with the node's name, so runs repeat). */
	public FaultInjector faults() {
		return this.faults;
	}

	@Override
	public synchronized PartisanNode start() {
		if (this.state == State.STARTED) {
			return this;
		}
		if (this.state == State.CLOSED) {
			throw new IllegalStateException("Node " + this.local.id() + " is closed; create a new one to restart");
		}
		Overlay created = this.config.overlay().create(this.config);
		NodeListener listener = new NodeListener(this.loop, this.connections);
		Transport made = this.config.overlay()
			.transport()
			.create(this.config.transportSettings(), this.config.node(), this.incarnation, listener,
					this.loop.executor());
		MessagePaths.Assembled assembled = this.paths.assemble(made, created, listener, this.loop);
		try {
			this.local = made.start();
		}
		catch (RuntimeException ex) {
			made.close();
			if (ex instanceof PartisanException) {
				throw ex;
			}
			throw new PartisanException("Node " + this.local.id() + " could not listen on " + this.local.host() + ":"
					+ this.local.port() + ": " + Futures.rootMessage(ex), ex);
		}
		this.transport = made;
		this.overlay = created;
		this.outbound = assembled.outbound();
		this.connections.use(made::isFullyConnected);
		this.state = State.STARTED;
		this.loop.drive(new ControlLoop.Parts(made, created, assembled.outbound(), assembled.frames()));
		// The overlay starts before start() returns, so a static node can send to its
		// members at once.
		NodeContext context = new NodeContext(this.config, () -> this.local, this.incarnation, made, assembled,
				this.loop, this.paths.dispatcher);
		try {
			this.loop.call(() -> {
				created.start(context);
				return CompletableFuture.completedFuture(null);
			}).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			close();
			throw new PartisanException("The " + created.name() + " overlay of node " + this.local.id()
					+ " did not start: " + Futures.rootMessage(ex), ex);
		}
		Duration retransmitPeriod = this.config.retransmitInterval().dividedBy(4);
		this.loop.startTimers(this.config.heartbeatInterval(), assembled.retransmission(),
				retransmitPeriod.isZero() ? Duration.ofNanos(1) : retransmitPeriod);
		logger.info("Partisan node {} started on {} with the {} overlay", this.local.id(), this.local.address(),
				created.name());
		return this;
	}

	@Override
	public synchronized void close() {
		if (this.state == State.CLOSED) {
			return;
		}
		State was = this.state;
		this.state = State.CLOSED;
		this.loop.stopDriving();
		if (was == State.STARTED) {
			try {
				this.loop.call(() -> {
					overlay().stop();
					return CompletableFuture.completedFuture(null);
				}).get(2, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				logger.debug("Overlay of {} did not stop cleanly", this.local.id(), ex);
			}
			transport().close();
		}
		this.loop.shutdown();
		this.paths.close();
		this.connections.closeAll();
		logger.info("Partisan node {} closed", this.local.id());
	}

	@Override
	public Node localNode() {
		return this.local;
	}

	@Override
	public String overlayName() {
		return (this.overlay != null) ? this.overlay.name() : "(not started)";
	}

	/**
	 * Whether this node accepts connections: false on the pub-sub overlay, which only
	 * connects out.
	 */
	public boolean isListening() {
		Transport current = this.transport;
		return current != null && current.isListening();
	}

	/**
	 * What the transport shows of itself: {@code kind} ({@code tcp} or {@code amqp}) and,
	 * for TCP, the listening address; for AMQP, the broker, whether it is connected and
	 * how many messages were rejected.
	 */
	@Override
	public Map<String, Object> transportDetails() {
		Transport current = this.transport;
		return (current != null) ? current.details() : Map.of();
	}

	/** The node's incarnation: larger at every start in this JVM and across restarts. */
	public long incarnation() {
		return this.incarnation;
	}

	@Override
	public CompletableFuture<Void> join(Node seed) {
		requireStarted();
		CompletableFuture<Void> joined = this.loop.call(() -> overlay().join(seed))
			.thenCompose((v) -> this.loop.call(() -> {
				this.loop.evaluate();
				return this.tracker.awaitUp(seed.id());
			}));
		return Futures.withTimeout(joined, this.config.joinTimeout(), () -> new JoinException("Seed " + seed.address()
				+ " did not answer within " + this.config.joinTimeout() + " (partisan.join-timeout)"));
	}

	/**
	 * Asks the node listening at {@code host:port} for its name, then joins it: for seeds
	 * known only by address, such as the A records of a DNS name.
	 */
	@Override
	public CompletableFuture<Node> joinAddress(String host, int port) {
		requireStarted();
		return transport().identify(host, port).thenCompose((seed) -> join(seed).thenApply((v) -> seed));
	}

	@Override
	public boolean joinsSeeds() {
		return overlay().joinsSeeds();
	}

	@Override
	public boolean leavesOnShutdown() {
		return overlay().leavesOnShutdown();
	}

	@Override
	public CompletableFuture<Void> syncJoin(Node seed) {
		return join(seed).thenCompose((v) -> awaitFullyConnected(seed.id()));
	}

	/** Completes when every channel and lane to {@code peer} is connected. */
	public CompletableFuture<Void> awaitFullyConnected(NodeId peer) {
		return Futures.withTimeout(this.connections.await(peer), this.config.joinTimeout(), () -> new JoinException(
				"Not every lane to " + peer + " connected within " + this.config.joinTimeout()));
	}

	@Override
	public CompletableFuture<Void> leave() {
		requireStarted();
		return this.loop.call(() -> overlay().leave()).thenRun(() -> this.loop.execute(this.loop::evaluate));
	}

	@Override
	public CompletableFuture<Void> leave(NodeId node) {
		requireStarted();
		return this.loop.call(() -> overlay().leave(node)).thenRun(() -> this.loop.execute(this.loop::evaluate));
	}

	@Override
	public Set<Node> members() {
		Set<Node> members = new LinkedHashSet<>();
		members.add(this.local);
		members.addAll(this.tracker.up().values());
		return members;
	}

	/**
	 * The overlay's named views (HyParView: {@code active}, {@code passive}); empty for
	 * the others.
	 */
	@Override
	public Map<String, List<Node>> views() {
		Overlay current = this.overlay;
		return (current != null) ? current.views() : Map.of();
	}

	@Override
	public boolean isConnected(NodeId node) {
		return this.transport != null && this.transport.isControlConnected(node);
	}

	@Override
	public void forward(NodeId node, String name, Object message, ForwardOptions options) {
		requireStarted();
		outbound().send(this.paths.sending.envelope(node, name, message, options));
	}

	@Override
	public void broadcast(String name, Object message) {
		requireStarted();
		Sending.Encoded encoded = this.paths.sending.encodeWhole(message, this.config.maxFrameSize());
		this.loop
			.call(() -> CompletableFuture
				.completedFuture(overlay().broadcast(name, encoded.codecId(), encoded.payloadType(), encoded.bytes())))
			.thenAccept((handled) -> {
				if (!handled) {
					members().forEach((member) -> forwardQuietly(member.id(), name, message));
				}
			});
	}

	private void forwardQuietly(NodeId node, String name, Object message) {
		try {
			forward(node, name, message, ForwardOptions.defaults());
		}
		catch (PartisanException ex) {
			logger.debug("Broadcast to {} not sent: {}", node, ex.getMessage());
		}
	}

	@Override
	public <R> CompletableFuture<R> call(NodeId node, String name, Object message, Class<R> replyType,
			ForwardOptions options, Duration timeout) {
		allowListed(replyType);
		OutboundEnvelope envelope = this.paths.sending.envelope(node, name, message, options)
			.flag(FrameCodec.FLAG_CALL);
		long id = envelope.id();
		CompletableFuture<Object> reply = this.paths.calls.expect(id, node, name, replyType);
		try {
			requireStarted();
			outbound().send(envelope);
		}
		catch (RuntimeException ex) {
			this.paths.calls.forget(id);
			return CompletableFuture.failedFuture(ex);
		}
		return Futures.withTimeout(reply, timeout, () -> new CallTimeoutException(node, name, timeout))
			.whenComplete((value, error) -> this.paths.calls.forget(id))
			.thenApply(replyType::cast);
	}

	/** Acknowledgement, de-duplication and monotonic figures of this node. */
	public DeliveryStats deliveryStats() {
		return this.paths.stats(connectionTable());
	}

	@Override
	public <T> Registration register(String name, Class<T> type, MessageHandler<? super T> handler) {
		allowListed(type);
		return this.paths.dispatcher.register(name, type, handler);
	}

	@Override
	public <T> Registration registerRequestHandler(String name, Class<T> type, RequestHandler<? super T> handler) {
		allowListed(type);
		return this.paths.dispatcher.registerRequestHandler(name, type, handler);
	}

	/**
	 * Adds a payload type to the object codec's allow-list (types other codecs carry need
	 * no entry).
	 */
	private void allowListed(Class<?> type) {
		if (type != Object.class && type != String.class && type != byte[].class && type != ByteBuffer.class
				&& !type.isPrimitive()) {
			this.allowList.allow(type);
		}
	}

	@Override
	public void unregister(String name) {
		this.paths.dispatcher.unregister(name);
	}

	@Override
	public Registration addMembershipListener(MembershipListener listener) {
		return this.tracker.addListener(listener);
	}

	@Override
	public List<LaneStats> connectionTable() {
		return (this.transport != null) ? this.transport.stats() : List.of();
	}

	/**
	 * How many times a full handler mailbox paused the connection feeding it (read
	 * back-pressure): the peer's messages then wait in its own lane queue, bounded there,
	 * instead of being dropped here.
	 */
	public long backpressurePauses() {
		return this.paths.dispatcher.backpressurePauses();
	}

	/** Messages that arrived for a handler name nobody registered. */
	public long undeliverableCount() {
		return this.paths.dispatcher.undeliverable();
	}

	private Transport transport() {
		return started(this.transport);
	}

	private Overlay overlay() {
		return started(this.overlay);
	}

	private OutboundPath outbound() {
		return started(this.outbound);
	}

	private <T> T started(@Nullable T part) {
		if (part == null) {
			throw new IllegalStateException("Node " + this.local.id() + " is not started");
		}
		return part;
	}

	private void requireStarted() {
		if (this.state != State.STARTED) {
			throw new IllegalStateException(
					"Node " + this.local.id() + " is " + this.state.name().toLowerCase() + "; call start() first");
		}
	}

}
