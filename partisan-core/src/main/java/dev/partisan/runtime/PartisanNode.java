package dev.partisan.runtime;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.partisan.api.CallTimeoutException;
import dev.partisan.api.DeliveryStats;
import dev.partisan.api.DownReason;
import dev.partisan.api.ForwardOptions;
import dev.partisan.api.JoinException;
import dev.partisan.api.LaneStats;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.MessageHandler;
import dev.partisan.api.Node;
import dev.partisan.api.NodeDownException;
import dev.partisan.api.NodeId;
import dev.partisan.api.NodeNameConflictException;
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
import dev.partisan.transport.NodeNameMismatchException;
import dev.partisan.transport.NodeNameTakenException;
import dev.partisan.transport.Transport;
import dev.partisan.wire.FrameCodec;
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

	private final MessagePaths paths;

	private final MemberTracker tracker;

	private final ControlLoop loop;

	private final FullConnections connections = new FullConnections();

	private final FaultInjector faults;

	private volatile State state = State.NEW;

	private volatile Node local;

	private volatile @Nullable Running running;

	private PartisanNode(PartisanConfig config) {
		this.config = config;
		this.local = config.node();
		this.incarnation = LAST_INCARNATION
			.updateAndGet((last) -> Math.max(last + 1, System.currentTimeMillis() * 1000));
		this.paths = new MessagePaths(config, this.incarnation);
		this.tracker = new MemberTracker(config.node().id());
		this.loop = new ControlLoop(config.node().id(), this.tracker, this.paths.calls, config.failureTimeout());
		this.faults = new FaultInjector(this.paths.interposition, config.node().id(), this::close,
				config.node().name().hashCode());
		this.paths.registerRequestHandler(Watches.PROBE, String.class, (probe, meta) -> "up");
		this.loop.useWatches(new Watches(config.node().id(), this.tracker, (node) -> call(node, Watches.PROBE, "probe",
				String.class, ForwardOptions.defaults(), config.failureTimeout())));
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
		Running started = Running.open(this.config, this.incarnation, this.paths, this.loop, this.connections);
		this.local = started.local;
		this.running = started;
		this.state = State.STARTED;
		try {
			started.startOverlay(this.config, this.loop,
					started.context(this.config, this.incarnation, () -> this.local, this.loop, this.paths));
		}
		catch (PartisanException ex) {
			close();
			throw ex;
		}
		logger.info("Partisan node {} started on {} with the {} overlay", this.local.id(), this.local.address(),
				started.overlay.name());
		return this;
	}

	@Override
	public synchronized void close() {
		if (this.state == State.CLOSED) {
			return;
		}
		this.state = State.CLOSED;
		Running current = this.running;
		if (current != null) {
			current.close(this.loop);
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
		Running current = this.running;
		return (current != null) ? current.overlay.name() : "(not started)";
	}

	/**
	 * Whether this node accepts connections: false on the pub-sub overlay, which only
	 * connects out.
	 */
	public boolean isListening() {
		Running current = this.running;
		return current != null && current.transport.isListening();
	}

	/**
	 * What the transport shows of itself: {@code kind} ({@code tcp} or {@code amqp}) and,
	 * for TCP, the listening address; for AMQP, the broker, whether it is connected and
	 * how many messages were rejected.
	 */
	@Override
	public Map<String, Object> transportDetails() {
		Running current = this.running;
		return (current != null) ? current.transport.details() : Map.of();
	}

	/** The node's incarnation: larger at every start in this JVM and across restarts. */
	public long incarnation() {
		return this.incarnation;
	}

	@Override
	public CompletableFuture<Void> join(Node seed) {
		requireStarted();
		if (seed.id().equals(this.local.id()) && !seed.address().equals(this.local.address())) {
			return CompletableFuture.failedFuture(sameName(seed));
		}
		CompletableFuture<Void> joined = Futures.withTimeout(this.loop.join(overlay(), seed), this.config.joinTimeout(),
				() -> new JoinException("Seed " + seed.address() + " did not answer within " + this.config.joinTimeout()
						+ " (partisan.join-timeout)"));
		return joined.exceptionallyCompose((error) -> CompletableFuture.failedFuture(identityConflict(seed, error)));
	}

	/**
	 * A join failure caused by the seed's address answering to another name, or by the
	 * seed refusing this node's name as taken by a live member at another address,
	 * becomes a {@link NodeNameConflictException} naming both, logged at ERROR; others
	 * stay as they are.
	 */
	private Throwable identityConflict(Node seed, Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof NodeNameTakenException taken) {
				NodeNameConflictException conflict = new NodeNameConflictException(
						"Seed " + seed.address() + " refused this node: the name '" + taken.name()
								+ "' is taken by a live member at " + taken.holderAddress() + ", and this node is at "
								+ this.local.address()
								+ ": node names must be unique in a cluster (partisan.node.name)",
						taken.name(), taken.name(), error);
				logger.error("Node {} cannot join: {}", this.local.id(), conflict.getMessage());
				return conflict;
			}
			if (cause instanceof NodeNameMismatchException mismatch) {
				NodeNameConflictException conflict = new NodeNameConflictException(
						"Seed " + seed.address() + " answers as '" + mismatch.found() + "', not '" + mismatch.expected()
								+ "' (name expected: '" + mismatch.expected() + "', name found: '" + mismatch.found()
								+ "'): correct the seed, or the " + "name of the node at that address",
						mismatch.expected(), mismatch.found(), error);
				logger.error("Node {} cannot join: {}", this.local.id(), conflict.getMessage());
				return conflict;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return ControlLoop.unwrap(error);
	}

	private NodeNameConflictException sameName(Node seed) {
		NodeNameConflictException conflict = new NodeNameConflictException(
				"Seed " + seed.address() + " is another node named '" + seed.name() + "', like this node at "
						+ this.local.address() + ": node names must be unique in a cluster (partisan.node.name)",
				this.local.name(), seed.name());
		logger.error("Node {} cannot join: {}", this.local.id(), conflict.getMessage());
		return conflict;
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

	/**
	 * How long {@link #leave()} waits after the overlay has written its farewell before
	 * it completes. Written is not yet read: a peer reads the farewell on one connection
	 * while it sees this node's other connections close on others, and if the caller
	 * closes the node at once (a graceful shutdown) a peer that sees the close first
	 * reports this node unreachable rather than left — more likely when several nodes
	 * stop at once on a busy machine.
	 */
	static final Duration LEAVE_LINGER = Duration.ofMillis(250);

	@Override
	public CompletableFuture<Void> leave() {
		requireStarted();
		// Not on the control loop's timer: the caller may close the node meanwhile.
		Executor afterLinger = CompletableFuture.delayedExecutor(LEAVE_LINGER.toNanos(), TimeUnit.NANOSECONDS);
		return this.loop.call(() -> overlay().leave())
			.thenRun(() -> this.loop.execute(this.loop::evaluate))
			.thenRunAsync(() -> {
			}, afterLinger);
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
		Running current = this.running;
		return (current != null) ? current.overlay.views() : Map.of();
	}

	@Override
	public boolean isConnected(NodeId node) {
		Running current = this.running;
		return current != null && current.transport.isControlConnected(node);
	}

	@Override
	public void forward(NodeId node, String name, Object message, ForwardOptions options) {
		requireStarted();
		failFastIfDown(node, name);
		outbound().send(this.paths.sending.envelope(node, name, message, options));
	}

	/**
	 * With {@code failFastToDownNodes}, refuses a message for a node seen go down (and
	 * not up since) that the overlay has no other route to.
	 */
	private void failFastIfDown(NodeId node, String name) {
		if (!this.config.failFastToDownNodes()) {
			return;
		}
		DownReason reason = this.tracker.downReason(node);
		if (reason != null && overlay().nextHop(node) == null) {
			throw new NodeDownException(node, name, reason);
		}
	}

	@Override
	public Registration watch(NodeId node, Consumer<DownReason> onDown) {
		requireStarted();
		if (node.equals(this.local.id())) {
			throw new IllegalArgumentException("Node " + node + " cannot watch itself");
		}
		Registration watch = Watches.create(node, onDown);
		this.loop.addWatch(watch);
		return watch;
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
		this.paths.allowListed(replyType);
		OutboundEnvelope envelope = this.paths.sending.envelope(node, name, message, options)
			.flag(FrameCodec.FLAG_CALL);
		long id = envelope.id();
		CompletableFuture<Object> reply = this.paths.calls.expect(id, node, name, replyType);
		envelope.answer(reply);
		try {
			requireStarted();
			failFastIfDown(node, name);
			outbound().send(envelope);
		}
		catch (RuntimeException ex) {
			this.paths.calls.forget(id);
			return CompletableFuture.failedFuture(ex);
		}
		return Futures
			.withTimeout(reply, timeout, () -> new CallTimeoutException(node, name, timeout), this.paths.deadlines)
			.whenComplete((value, error) -> this.paths.calls.forget(id))
			.thenApply(replyType::cast);
	}

	/** Acknowledgement, de-duplication and monotonic figures of this node. */
	public DeliveryStats deliveryStats() {
		return this.paths.stats(connectionTable());
	}

	@Override
	public <T> Registration register(String name, Class<T> type, MessageHandler<? super T> handler) {
		return this.paths.register(name, type, handler);
	}

	@Override
	public <T> Registration registerRequestHandler(String name, Class<T> type, RequestHandler<? super T> handler) {
		return this.paths.registerRequestHandler(name, type, handler);
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
		Running current = this.running;
		return (current != null) ? current.transport.stats() : List.of();
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
		return started().transport;
	}

	private Overlay overlay() {
		return started().overlay;
	}

	private OutboundPath outbound() {
		return started().outbound();
	}

	private Running started() {
		Running current = this.running;
		if (current == null) {
			throw new IllegalStateException("Node " + this.local.id() + " is not started");
		}
		return current;
	}

	private void requireStarted() {
		if (this.state != State.STARTED) {
			throw new IllegalStateException(
					"Node " + this.local.id() + " is " + this.state.name().toLowerCase() + "; call start() first");
		}
	}

}
