package dev.partisan.runtime;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.api.CallTimeoutException;
import dev.partisan.api.DeliveryStats;
import dev.partisan.api.ForwardOptions;
import dev.partisan.api.JoinException;
import dev.partisan.api.LaneStats;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.MessageHandler;
import dev.partisan.api.MessageTooLargeException;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;
import dev.partisan.api.PartisanException;
import dev.partisan.api.Registration;
import dev.partisan.api.RequestHandler;
import dev.partisan.delivery.AckTracker;
import dev.partisan.delivery.CausalOrder;
import dev.partisan.delivery.Deduplicator;
import dev.partisan.dispatch.Dispatcher;
import dev.partisan.interpose.FaultInjector;
import dev.partisan.interpose.Interposition;
import dev.partisan.membership.Overlay;
import dev.partisan.pipeline.AckTracking;
import dev.partisan.pipeline.Acknowledge;
import dev.partisan.pipeline.Acknowledgements;
import dev.partisan.pipeline.ByKind;
import dev.partisan.pipeline.Calls;
import dev.partisan.pipeline.CausalHold;
import dev.partisan.pipeline.CausalStamp;
import dev.partisan.pipeline.Compress;
import dev.partisan.pipeline.ControlCodec;
import dev.partisan.pipeline.ControlFrames;
import dev.partisan.pipeline.ControlIn;
import dev.partisan.pipeline.Deduplicate;
import dev.partisan.pipeline.Dispatch;
import dev.partisan.pipeline.Encode;
import dev.partisan.pipeline.Framing;
import dev.partisan.pipeline.InboundPath;
import dev.partisan.pipeline.Interposing;
import dev.partisan.pipeline.Loopback;
import dev.partisan.pipeline.OutboundEnvelope;
import dev.partisan.pipeline.OutboundPath;
import dev.partisan.pipeline.PayloadDecoding;
import dev.partisan.pipeline.Relaying;
import dev.partisan.pipeline.Replies;
import dev.partisan.pipeline.Retransmission;
import dev.partisan.pipeline.Route;
import dev.partisan.pipeline.Routes;
import dev.partisan.pipeline.Sending;
import dev.partisan.pipeline.ToTransport;
import dev.partisan.transport.Transport;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.PayloadCodec;
import dev.partisan.wire.PayloadCodecs;
import dev.partisan.wire.TypeAllowList;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Partisan runtime, as an application sees it: a facade that assembles the message path (the stages
 * of {@link dev.partisan.pipeline}), the transport, the overlay and the control loop, and delegates to them.
 *
 * <p>Threads: the transport's threads split frames and run the inbound path up to the mailbox; handler
 * workers decode payloads and run handlers; the control thread ({@link ControlLoop}) runs the overlay,
 * heartbeats and up/down tracking, so overlays need no locks. Senders run the outbound path on their own
 * thread, which only encodes and queues.
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

	private final PayloadCodecs codecs;

	private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

	private final AtomicLong messageIds = new AtomicLong();

	private final Interposition interposition = new Interposition();

	private final MemberTracker tracker;

	private final AckTracker acks;

	private final Deduplicator dedup;

	private final CausalOrder causal;

	private final Replies replies = new Replies();

	private final Dispatcher dispatcher;

	private final Calls calls;

	private final Sending sending;

	private final ControlLoop loop;

	private final FullConnections connections = new FullConnections();

	private final ScheduledExecutorService delays;

	private volatile @Nullable FaultInjector faults;

	private volatile State state = State.NEW;

	private volatile Node local;

	private @Nullable Transport transport;

	private @Nullable Overlay overlay;

	private @Nullable OutboundPath outbound;

	private PartisanNode(PartisanConfig config) {
		this.config = config;
		this.local = config.node();
		this.incarnation = LAST_INCARNATION.updateAndGet((last) -> Math.max(last + 1, System.currentTimeMillis() * 1000));
		this.allowList.allowPackages(config.allowedPackages());
		this.codecs = new PayloadCodecs(config.codecs(), this.allowList);
		this.dispatcher = new Dispatcher(config.node().name(), config.handlerThreads(), config.mailboxCapacity(),
				new PayloadDecoding(this.codecs, this.alloc, config.maxFrameSize()), this.replies);
		this.calls = new Calls(this.codecs, this.dispatcher::execute);
		this.sending = new Sending(this.messageIds, config.channels());
		this.tracker = new MemberTracker(config.node().id());
		this.acks = new AckTracker(config.maxOutstandingAcks());
		this.dedup = new Deduplicator(config.dedupWindow().toNanos(), 1_000_000);
		this.causal = new CausalOrder(config.node().id(), config.mailboxCapacity());
		this.loop = new ControlLoop(config.node().id(), this.tracker, this.calls, config.failureTimeout());
		this.delays = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "partisan-" + config.node().name() + "-delays");
			thread.setDaemon(true);
			return thread;
		});
	}

	/** A node with this configuration, not started yet. */
	public static PartisanNode create(PartisanConfig config) {
		return new PartisanNode(config);
	}

	/** The interposition pipeline every message in and out of this node passes through. */
	public Interposition interposition() {
		return this.interposition;
	}

	/** A fault injector for this node (seeded with the node's name, so runs repeat). */
	public FaultInjector faults() {
		FaultInjector current = this.faults;
		if (current == null) {
			synchronized (this) {
				current = this.faults;
				if (current == null) {
					current = new FaultInjector(this.interposition, this.config.node().id(), this::close,
							this.config.node().name().hashCode());
					this.faults = current;
				}
			}
		}
		return current;
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
		ControlCodec controlCodec = new ControlCodec(created.controlMessageTypes());
		ControlFrames frames = new ControlFrames(this.local.name(), controlCodec, this.messageIds::incrementAndGet,
				this.alloc);
		Routes routes = (target) -> made.hasPeer(target) ? target : created.nextHop(target);
		OutboundPath path = outboundPath(routes, made);
		listener.bind(inboundPath(routes, path, frames, controlCodec));
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
		this.outbound = path;
		this.replies.bind(path);
		this.connections.use(made::isFullyConnected);
		this.state = State.STARTED;
		this.loop.drive(new ControlLoop.Parts(made, created, path, frames));
		// The overlay starts before start() returns, so a static node can send to its members at once.
		NodeContext context = new NodeContext(this.config, () -> this.local, this.incarnation, made, path, frames,
				this.loop, this.dispatcher);
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
		this.loop.startTimers(this.config.heartbeatInterval(),
				new Retransmission(this.acks, path, this.config.retransmitInterval()),
				retransmitPeriod.isZero() ? Duration.ofNanos(1) : retransmitPeriod);
		logger.info("Partisan node {} started on {} with the {} overlay", this.local.id(), this.local.address(),
				created.name());
		return this;
	}

	/** encode → compress → loopback → causal stamp → frame → ack tracking → route → egress interposition → transport. */
	private OutboundPath outboundPath(Routes routes, Transport made) {
		int maxFrameSize = this.config.maxFrameSize();
		return new OutboundPath(List.of(new Encode(this.codecs, this.alloc),
				new Compress(this.config.channels(), this.config.compressionThreshold(), this.alloc),
				new Loopback(this.local.id(), this.dispatcher, this.calls, maxFrameSize),
				new CausalStamp(this.causal, routes, this.alloc), new Framing(this.local.name(), maxFrameSize, this.alloc),
				new AckTracking(this.acks), new Route(routes, this.local.name(), this.incarnation, this.alloc),
				interposing().egress(), new ToTransport(made)));
	}

	/**
	 * ingress interposition → by kind: DATA → reception (dedup → causal → dispatch → ack) | REPLY → calls |
	 * ACK → acknowledgements | RELAY → relaying | CONTROL → control loop.
	 */
	private InboundPath inboundPath(Routes routes, OutboundPath path, ControlFrames frames, ControlCodec codec) {
		Acknowledgements acknowledgements = new Acknowledgements(this.acks, frames, path);
		InboundPath reception = new InboundPath(List.of(new Deduplicate(this.dedup, acknowledgements),
				new CausalHold(this.causal, this.dispatcher), new Dispatch(this.dispatcher),
				new Acknowledge(this.dedup, acknowledgements)));
		return new InboundPath(List.of(interposing().ingress(),
				new ByKind(reception, this.calls, acknowledgements,
						new Relaying(this.local.id(), routes, path, this.alloc),
						new ControlIn(codec, this.loop::onControlMessage))));
	}

	private Interposing interposing() {
		return new Interposing(this.interposition, this.local.id(), this.delays);
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
		this.delays.shutdownNow();
		this.acks.clear();
		this.dispatcher.close();
		this.connections.closeAll();
		this.calls.closeAll();
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

	/** Whether this node accepts connections: false on the pub-sub overlay, which only connects out. */
	public boolean isListening() {
		Transport current = this.transport;
		return current != null && current.isListening();
	}

	/**
	 * What the transport shows of itself: {@code kind} ({@code tcp} or {@code amqp}) and, for TCP, the
	 * listening address; for AMQP, the broker, whether it is connected and how many messages were rejected.
	 */
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
		CompletableFuture<Void> joined = this.loop.call(() -> overlay().join(seed)).thenCompose((v) -> this.loop.call(() -> {
			this.loop.evaluate();
			return this.tracker.awaitUp(seed.id());
		}));
		return Futures.withTimeout(joined, this.config.joinTimeout(), () -> new JoinException(
				"Seed " + seed.address() + " did not answer within " + this.config.joinTimeout() + " (partisan.join-timeout)"));
	}

	/**
	 * Asks the node listening at {@code host:port} for its name, then joins it: for seeds known only by
	 * address, such as the A records of a DNS name.
	 */
	public CompletableFuture<Node> joinAddress(String host, int port) {
		requireStarted();
		return transport().identify(host, port).thenCompose((seed) -> join(seed).thenApply((v) -> seed));
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

	/** The overlay's named views (HyParView: {@code active}, {@code passive}); empty for the others. */
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
		outbound().send(this.sending.envelope(node, name, message, options));
	}

	@Override
	public void broadcast(String name, Object message) {
		requireStarted();
		PayloadCodec codec = this.codecs.codecFor(message);
		ByteBuf encoded = codec.encode(message, this.alloc);
		byte[] payload = ByteBufUtil.getBytes(encoded);
		encoded.release();
		if (payload.length > this.config.maxFrameSize()) {
			throw new MessageTooLargeException(payload.length, this.config.maxFrameSize());
		}
		String type = codec.typeName(message);
		this.loop.call(() -> CompletableFuture.completedFuture(overlay().broadcast(name, codec.id(), type, payload)))
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
		requireStarted();
		OutboundEnvelope envelope = this.sending.envelope(node, name, message, options).flag(FrameCodec.FLAG_CALL);
		long id = envelope.id();
		CompletableFuture<Object> reply = this.calls.expect(id, node, name, replyType);
		try {
			outbound().send(envelope);
		}
		catch (RuntimeException ex) {
			this.calls.forget(id);
			return CompletableFuture.failedFuture(ex);
		}
		return Futures.withTimeout(reply, timeout, () -> new CallTimeoutException(node, name, timeout))
			.whenComplete((value, error) -> this.calls.forget(id))
			.thenApply(replyType::cast);
	}

	/** Acknowledgement, de-duplication and monotonic figures of this node. */
	public DeliveryStats deliveryStats() {
		long superseded = connectionTable().stream().mapToLong(LaneStats::supersededMessages).sum();
		return new DeliveryStats(this.acks.outstanding(), this.acks.retransmits(), this.acks.acknowledged(),
				this.dedup.duplicates(), superseded, this.causal.held());
	}

	@Override
	public <T> Registration register(String name, Class<T> type, MessageHandler<? super T> handler) {
		allowListed(type);
		return this.dispatcher.register(name, type, handler);
	}

	@Override
	public <T> Registration registerRequestHandler(String name, Class<T> type, RequestHandler<? super T> handler) {
		allowListed(type);
		return this.dispatcher.registerRequestHandler(name, type, handler);
	}

	/** Adds a payload type to the object codec's allow-list (types other codecs carry need no entry). */
	private void allowListed(Class<?> type) {
		if (type != Object.class && type != String.class && type != byte[].class && type != ByteBuffer.class
				&& !type.isPrimitive()) {
			this.allowList.allow(type);
		}
	}

	@Override
	public void unregister(String name) {
		this.dispatcher.unregister(name);
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
	 * How many times a full handler mailbox paused the connection feeding it (read back-pressure): the
	 * peer's messages then wait in its own lane queue, bounded there, instead of being dropped here.
	 */
	public long backpressurePauses() {
		return this.dispatcher.backpressurePauses();
	}

	/** Messages that arrived for a handler name nobody registered. */
	public long undeliverableCount() {
		return this.dispatcher.undeliverable();
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
