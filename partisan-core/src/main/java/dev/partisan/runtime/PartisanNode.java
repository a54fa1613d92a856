package dev.partisan.runtime;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.partisan.api.CallTimeoutException;
import dev.partisan.api.ForwardOptions;
import dev.partisan.api.JoinException;
import dev.partisan.api.LaneStats;
import dev.partisan.api.MembershipListener;
import dev.partisan.api.MessageHandler;
import dev.partisan.api.MessageTooLargeException;
import dev.partisan.api.Node;
import dev.partisan.api.NodeDownException;
import dev.partisan.api.NodeId;
import dev.partisan.api.Partisan;
import dev.partisan.api.PartisanException;
import dev.partisan.api.PartisanMessage;
import dev.partisan.api.Registration;
import dev.partisan.api.RemoteHandlerException;
import dev.partisan.api.RequestHandler;
import dev.partisan.api.UnknownNodeException;
import dev.partisan.api.DeliveryStats;
import dev.partisan.delivery.AckTracker;
import dev.partisan.delivery.CausalOrder;
import dev.partisan.delivery.Deduplicator;
import dev.partisan.dispatch.Delivery;
import dev.partisan.dispatch.Dispatcher;
import dev.partisan.transport.InboundFlow;
import dev.partisan.interpose.Direction;
import dev.partisan.interpose.FaultInjector;
import dev.partisan.interpose.Interposition;
import dev.partisan.interpose.MessageEvent;
import dev.partisan.interpose.Verdict;
import dev.partisan.membership.ControlMessage;
import dev.partisan.membership.Overlay;
import dev.partisan.membership.OverlayContext;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.transport.Transport;
import dev.partisan.transport.TransportListener;
import dev.partisan.wire.Compression;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.FrameKind;
import dev.partisan.wire.Hello;
import dev.partisan.wire.PayloadCodec;
import dev.partisan.wire.PayloadCodecs;
import dev.partisan.wire.TypeAllowList;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Partisan runtime: a Reactor Netty transport, an overlay, failure detection and named handlers.
 *
 * <p>Threads: Netty event loops split frames and hand them on; handler workers decode payloads and run
 * handlers; one control thread runs the overlay, heartbeats and up/down tracking, so overlays need no
 * locks. Senders encode on their own thread and only enqueue.
 */
public final class PartisanNode implements Partisan {

	private static final Logger logger = LoggerFactory.getLogger(PartisanNode.class);

	private static final AtomicLong LAST_INCARNATION = new AtomicLong();

	private static final String NO_VALUE = "";

	/** How many hops a relayed message may take before it is dropped (the Erlang original's relay TTL). */
	private static final int RELAY_TTL = 5;

	private enum State {

		NEW, STARTED, CLOSED

	}

	private final PartisanConfig config;

	private final long incarnation;

	private final TypeAllowList allowList = new TypeAllowList();

	private final PayloadCodecs codecs;

	private final Dispatcher dispatcher;

	private final ScheduledExecutorService control;

	private final MemberTracker tracker;

	private final AtomicLong messageIds = new AtomicLong();

	private final Map<NodeId, List<CompletableFuture<Void>>> fullConnectionWaiters = new ConcurrentHashMap<>();

	private final Map<Long, PendingCall> pendingCalls = new ConcurrentHashMap<>();

	/** A call waiting for its reply. */
	private record PendingCall(NodeId node, String name, Class<?> replyType, CompletableFuture<Object> future) {
	}

	private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;

	private final Interposition interposition = new Interposition();

	private final AckTracker acks;

	private final Deduplicator dedup;

	private final CausalOrder causal;

	private final ScheduledExecutorService delays;

	private volatile @Nullable FaultInjector faults;

	private volatile State state = State.NEW;

	private volatile Node local;

	private @Nullable Transport transport;

	private @Nullable Overlay overlay;

	private @Nullable ControlCodec controlCodec;

	private volatile @Nullable Thread controlThread;

	private PartisanNode(PartisanConfig config) {
		this.config = config;
		this.local = config.node();
		this.incarnation = LAST_INCARNATION.updateAndGet((last) -> Math.max(last + 1, System.currentTimeMillis() * 1000));
		this.allowList.allowPackages(config.allowedPackages());
		this.codecs = new PayloadCodecs(config.codecs(), this.allowList);
		this.dispatcher = new Dispatcher(config.node().name(), config.handlerThreads(), config.mailboxCapacity(),
				this::decode, this::reply);
		this.control = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "partisan-" + config.node().name() + "-control");
			thread.setDaemon(true);
			this.controlThread = thread;
			return thread;
		});
		this.tracker = new MemberTracker(config.node().id());
		this.acks = new AckTracker(config.maxOutstandingAcks());
		this.dedup = new Deduplicator(config.dedupWindow().toNanos(), 1_000_000);
		this.causal = new CausalOrder(config.node().id(), config.mailboxCapacity());
		this.delays = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "partisan-" + config.node().name() + "-delays");
			thread.setDaemon(true);
			return thread;
		});
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

	/** A node with this configuration, not started yet. */
	public static PartisanNode create(PartisanConfig config) {
		return new PartisanNode(config);
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
		this.controlCodec = new ControlCodec(created.controlMessageTypes());
		Transport started = this.config.overlay()
			.transport()
			.create(this.config.transportSettings(), this.config.node(), this.incarnation, new Inbound(), this.control);
		try {
			this.local = started.start();
		}
		catch (RuntimeException ex) {
			started.close();
			if (ex instanceof PartisanException) {
				throw ex;
			}
			throw new PartisanException("Node " + this.local.id() + " could not listen on " + this.local.host() + ":"
					+ this.local.port() + ": " + rootMessage(ex), ex);
		}
		this.transport = started;
		this.overlay = created;
		this.state = State.STARTED;
		// The overlay starts before start() returns, so a static node can send to its members at once.
		try {
			this.control.submit(() -> created.start(new Context())).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			close();
			throw new PartisanException("The " + created.name() + " overlay of node " + this.local.id()
					+ " did not start: " + rootMessage(ex), ex);
		}
		long period = this.config.heartbeatInterval().toNanos();
		this.control.scheduleWithFixedDelay(guard(this::heartbeat), period, period, TimeUnit.NANOSECONDS);
		long retransmit = Math.max(1, this.config.retransmitInterval().toNanos() / 4);
		this.control.scheduleWithFixedDelay(guard(this::retransmit), retransmit, retransmit, TimeUnit.NANOSECONDS);
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
		if (was == State.STARTED) {
			Overlay current = this.overlay;
			try {
				this.control.submit(guard(current::stop)).get(2, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				logger.debug("Overlay of {} did not stop cleanly", this.local.id(), ex);
			}
			transport().close();
		}
		this.control.shutdownNow();
		this.delays.shutdownNow();
		this.acks.clear();
		this.dispatcher.close();
		this.fullConnectionWaiters.values()
			.forEach((list) -> list.forEach((f) -> f.completeExceptionally(new PartisanException("Node closed"))));
		this.pendingCalls.values()
			.forEach((call) -> call.future.completeExceptionally(new PartisanException("Node closed")));
		this.pendingCalls.clear();
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
		CompletableFuture<Void> joined = callOnControl(() -> overlay().join(seed))
			.thenCompose((v) -> callOnControl(() -> {
				evaluate();
				return this.tracker.awaitUp(seed.id());
			}));
		return withTimeout(joined, this.config.joinTimeout(),
				() -> new JoinException("Seed " + seed.address() + " did not answer within "
						+ this.config.joinTimeout() + " (partisan.join-timeout)"));
	}

	/**
	 * Asks the node listening at {@code host:port} for its name, then joins it: for seeds known only by
	 * address, such as the A records of a DNS name.
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
		CompletableFuture<Void> future = new CompletableFuture<>();
		this.fullConnectionWaiters.computeIfAbsent(peer, (k) -> new java.util.concurrent.CopyOnWriteArrayList<>())
			.add(future);
		checkFullyConnected(peer);
		return withTimeout(future, this.config.joinTimeout(), () -> new JoinException(
				"Not every lane to " + peer + " connected within " + this.config.joinTimeout()));
	}

	private void checkFullyConnected(NodeId peer) {
		if (this.transport != null && this.transport.isFullyConnected(peer)) {
			List<CompletableFuture<Void>> waiting = this.fullConnectionWaiters.remove(peer);
			if (waiting != null) {
				waiting.forEach((f) -> f.complete(null));
			}
		}
	}

	@Override
	public CompletableFuture<Void> leave() {
		requireStarted();
		return callOnControl(() -> overlay().leave()).thenRun(() -> onControl(this::evaluate));
	}

	@Override
	public CompletableFuture<Void> leave(NodeId node) {
		requireStarted();
		return callOnControl(() -> overlay().leave(node)).thenRun(() -> onControl(this::evaluate));
	}

	@Override
	public Set<Node> members() {
		Set<Node> members = new LinkedHashSet<>();
		members.add(this.local);
		members.addAll(this.tracker.up().values());
		return members;
	}

	/** The overlay's named views (HyParView: {@code active}, {@code passive}); empty for the others. */
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
		send(node, name, message, options, 0, this.messageIds.incrementAndGet());
	}

	@Override
	public void broadcast(String name, Object message) {
		requireStarted();
		PayloadCodec codec = this.codecs.codecFor(message);
		ByteBuf encoded = codec.encode(message, this.alloc);
		byte[] payload = io.netty.buffer.ByteBufUtil.getBytes(encoded);
		encoded.release();
		if (payload.length > this.config.maxFrameSize()) {
			throw new MessageTooLargeException(payload.length, this.config.maxFrameSize());
		}
		String type = codec.typeName(message);
		CompletableFuture<Boolean> done = callOnControl(
				() -> CompletableFuture.completedFuture(overlay().broadcast(name, codec.id(), type, payload)));
		done.thenAccept((handled) -> {
			if (!handled) {
				for (Node member : members()) {
					try {
						forward(member.id(), name, message, ForwardOptions.defaults());
					}
					catch (PartisanException ex) {
						logger.debug("Broadcast to {} not sent: {}", member.id(), ex.getMessage());
					}
				}
			}
		});
	}

	@Override
	public <R> CompletableFuture<R> call(NodeId node, String name, Object message, Class<R> replyType,
			ForwardOptions options, Duration timeout) {
		allowListed(replyType);
		long id = this.messageIds.incrementAndGet();
		CompletableFuture<Object> reply = new CompletableFuture<>();
		this.pendingCalls.put(id, new PendingCall(node, name, replyType, reply));
		try {
			send(node, name, message, options, FrameCodec.FLAG_CALL, id);
		}
		catch (RuntimeException ex) {
			this.pendingCalls.remove(id);
			return CompletableFuture.failedFuture(ex);
		}
		return withTimeout(reply, timeout, () -> new CallTimeoutException(node, name, timeout))
			.whenComplete((value, error) -> this.pendingCalls.remove(id))
			.thenApply(replyType::cast);
	}

	private void send(NodeId node, String name, Object message, ForwardOptions options, int callFlag, long id) {
		requireStarted();
		PayloadCodec codec = this.codecs.codecFor(message);
		ByteBuf payload = codec.encode(message, this.alloc);
		String channel = options.channel();
		int flags = callFlag;
		ChannelSpec spec = this.config.channels().get(channel);
		boolean ack = options.ack() || (spec != null && spec.ack());
		if (ack) {
			flags |= FrameCodec.FLAG_ACK;
		}
		if (spec != null && spec.compression() && payload.readableBytes() >= this.config.compressionThreshold()) {
			payload = Compression.deflate(payload, this.alloc);
			flags |= FrameCodec.FLAG_COMPRESSED;
		}
		if (node.equals(this.local.id())) {
			deliverLocally(name, channel, id, codec, message, payload, flags & ~FrameCodec.FLAG_ACK);
			return;
		}
		String label = options.causalLabel();
		if (label != null) {
			// Stamping counts the message as sent, so refuse before stamping what cannot be sent at all.
			if (!transport().hasPeer(node) && overlay().nextHop(node) == null) {
				payload.release();
				throw new UnknownNodeException(node);
			}
			ByteBuf stamped = this.alloc.buffer(64 + payload.readableBytes());
			this.causal.stamp(label, node, stamped);
			stamped.writeBytes(payload);
			payload.release();
			payload = stamped;
			flags |= FrameCodec.FLAG_CAUSAL;
		}
		String identity = senderIdentity(options);
		int payloadSize = payload.readableBytes();
		ByteBuf frame = FrameCodec.encode(this.alloc, FrameKind.DATA, flags, id, channel, this.local.name(), identity,
				name, codec.id(), codec.typeName(message), payload);
		if (frame.readableBytes() > this.config.maxFrameSize()) {
			int size = frame.readableBytes();
			frame.release();
			throw new MessageTooLargeException(size, this.config.maxFrameSize());
		}
		if (ack) {
			try {
				this.acks.track(id, node, channel, options.partitionKey(), identity, name, payloadSize, frame);
			}
			catch (RuntimeException ex) {
				frame.release();
				throw ex;
			}
		}
		try {
			transmit(FrameKind.DATA, node, channel, options.partitionKey(), identity, name, id, frame, payloadSize, null);
		}
		catch (RuntimeException ex) {
			if (ack) {
				this.acks.forget(id);
			}
			throw ex;
		}
	}

	private void deliverLocally(String name, String channel, long id, PayloadCodec codec, Object message,
			ByteBuf payload, int flags) {
		if (payload.readableBytes() > this.config.maxFrameSize()) {
			int size = payload.readableBytes();
			payload.release();
			throw new MessageTooLargeException(size, this.config.maxFrameSize());
		}
		PartisanMessage meta = new PartisanMessage(this.local.id(), channel, name, id);
		this.dispatcher.dispatch(new Delivery(meta, codec.id(), codec.typeName(message),
				(flags & FrameCodec.FLAG_COMPRESSED) != 0, payload, (flags & FrameCodec.FLAG_CALL) != 0));
	}

	/** Sends a handler's answer to the node that called it (on a handler worker). */
	private void reply(Delivery call, @Nullable Object value, @Nullable String error) {
		PartisanMessage meta = call.meta();
		try {
			Object body = (error != null) ? error : (value != null) ? value : NO_VALUE;
			PayloadCodec codec = this.codecs.codecFor(body);
			ByteBuf payload = codec.encode(body, this.alloc);
			int flags = (error != null) ? FrameCodec.FLAG_ERROR : (value == null) ? FrameCodec.FLAG_NULL_REPLY : 0;
			if (meta.sender().equals(this.local.id())) {
				onReply(meta.sender(), meta.messageId(), flags, codec.id(), codec.typeName(body), payload);
				return;
			}
			int payloadSize = payload.readableBytes();
			ByteBuf frame = FrameCodec.encode(this.alloc, FrameKind.REPLY, flags, meta.messageId(), meta.channel(),
					this.local.name(), meta.destination(), "", codec.id(), codec.typeName(body), payload);
			transmit(FrameKind.REPLY, meta.sender(), meta.channel(), null, meta.destination(), "", meta.messageId(), frame,
					payloadSize, null);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not reply to call {} from {} for handler '{}': {}", meta.messageId(), meta.sender(),
					meta.destination(), ex.getMessage());
		}
	}

	/** Completes a pending call; the payload is released. Decoding runs on a handler worker. */
	private void onReply(NodeId from, long id, int flags, byte codecId, String payloadType, ByteBuf payload) {
		PendingCall pending = this.pendingCalls.get(id);
		if (pending == null || !pending.node.equals(from)) {
			payload.release();
			return;
		}
		Runnable decode = () -> {
			try {
				if ((flags & FrameCodec.FLAG_ERROR) != 0) {
					pending.future.completeExceptionally(new RemoteHandlerException("Call to '" + pending.name
							+ "' on node '" + from + "' failed: " + this.codecs.decode(codecId, payloadType, payload,
									String.class)));
				}
				else if ((flags & FrameCodec.FLAG_NULL_REPLY) != 0) {
					pending.future.complete(null);
				}
				else {
					pending.future.complete(this.codecs.decode(codecId, payloadType, payload, pending.replyType));
				}
			}
			catch (RuntimeException ex) {
				pending.future.completeExceptionally(ex);
			}
			finally {
				payload.release();
			}
		};
		try {
			this.dispatcher.execute(decode);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			payload.release();
		}
	}

	/**
	 * Sends an encoded frame through the egress interposition pipeline: it may be dropped (as a lossy
	 * network would; a waiting future completes as if sent), held back on its lane, or rewritten.
	 */
	private void transmit(FrameKind kind, NodeId peer, String channel, @Nullable Object partitionKey, String identity,
			String destination, long id, ByteBuf frame, int payloadSize, @Nullable CompletableFuture<Void> written) {
		if (!transport().hasPeer(peer)) {
			// No connection of our own (a client reaching a client): wrap it for a member that can relay it.
			NodeId hop = overlay().nextHop(peer);
			if (hop == null) {
				frame.release();
				throw new UnknownNodeException(peer);
			}
			ByteBuf relayPayload = this.alloc.directBuffer(9 + frame.readableBytes());
			relayPayload.writeByte(RELAY_TTL).writeLong(this.incarnation);
			relayPayload.writeBytes(frame, frame.readerIndex() + FrameCodec.LENGTH_FIELD_SIZE,
					frame.readableBytes() - FrameCodec.LENGTH_FIELD_SIZE);
			frame.release();
			int relaySize = relayPayload.readableBytes();
			ByteBuf relay = FrameCodec.encode(this.alloc, FrameKind.RELAY, 0, id, channel, this.local.name(), identity,
					peer.name(), (byte) 0, "", relayPayload);
			egress(FrameKind.RELAY, hop, channel, partitionKey, identity, peer.name(), id, relay, relaySize, written);
			return;
		}
		egress(kind, peer, channel, partitionKey, identity, destination, id, frame, payloadSize, written);
	}

	private void egress(FrameKind kind, NodeId peer, String channel, @Nullable Object partitionKey, String identity,
			String destination, long id, ByteBuf frame, int payloadSize, @Nullable CompletableFuture<Void> written) {
		long notBefore = 0;
		if (!this.interposition.isEmpty()) {
			MessageEvent event = new MessageEvent(Direction.EGRESS, this.local.id(), peer, kind.name(), channel,
					destination, id, payloadSize);
			Verdict verdict = this.interposition.apply(event,
					frame.slice(frame.writerIndex() - payloadSize, payloadSize));
			if (verdict.kind() == Verdict.Kind.DROP) {
				frame.release();
				if (written != null) {
					written.complete(null);
				}
				return;
			}
			if (verdict.kind() == Verdict.Kind.DELAY) {
				notBefore = System.nanoTime() + verdict.delay().toNanos();
			}
		}
		transport().send(peer, channel, partitionKey, identity, destination, frame, written, notBefore);
	}

	/**
	 * A relayed frame arrived: unwrap it when it is for this node, else pass it on (as it is) towards its
	 * destination, at most {@link #RELAY_TTL} hops.
	 */
	private void onRelay(Hello from, Frame relay) {
		try {
			NodeId target = NodeId.of(relay.destination());
			ByteBuf payload = relay.payload();
			int ttl = payload.getUnsignedByte(payload.readerIndex());
			long originIncarnation = payload.getLong(payload.readerIndex() + 1);
			if (target.equals(this.local.id())) {
				Frame inner = FrameCodec.decode(payload.slice(payload.readerIndex() + 9, payload.readableBytes() - 9));
				Node origin = new Node(NodeId.of(inner.sender()), "relayed", 0, null);
				new Inbound().process(new Hello(origin, originIncarnation, inner.channel(), 0, 0), inner, null);
				return;
			}
			if (ttl <= 1) {
				logger.debug("Dropped a relayed message from {} for {}: hop limit reached", from.node().id(), target);
				return;
			}
			NodeId hop = transport().hasPeer(target) ? target : overlay().nextHop(target);
			if (hop == null || hop.equals(from.node().id())) {
				logger.debug("Dropped a relayed message for {}: no route", target);
				return;
			}
			ByteBuf forwarded = this.alloc.directBuffer(payload.readableBytes());
			forwarded.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
			forwarded.setByte(0, ttl - 1);
			int size = forwarded.readableBytes();
			ByteBuf frame = FrameCodec.encode(this.alloc, FrameKind.RELAY, 0, relay.messageId(), relay.channel(),
					relay.sender(), relay.senderIdentity(), relay.destination(), (byte) 0, "", forwarded);
			egress(FrameKind.RELAY, hop, relay.channel(), relay.senderIdentity(), relay.senderIdentity(),
					relay.destination(), relay.messageId(), frame, size, null);
		}
		catch (PartisanException | IllegalArgumentException | IndexOutOfBoundsException ex) {
			logger.warn("Dropped a relayed message from {}: {}", from.node().id(), ex.getMessage());
		}
		finally {
			relay.release();
		}
	}

	/** Sends again every acknowledged message whose acknowledgement is overdue (control thread). */
	private void retransmit() {
		for (AckTracker.Outstanding entry : this.acks.overdue(this.config.retransmitInterval().toNanos())) {
			try {
				transmit(FrameKind.DATA, entry.peer, entry.channel, entry.partitionKey, entry.identity,
						entry.destination, entry.id, entry.frameForResend(), entry.payloadSize, null);
			}
			catch (PartisanException ex) {
				logger.debug("Retransmission of {} to {} not queued: {}", entry.id, entry.peer, ex.getMessage());
			}
		}
	}

	/** Receives an acknowledged message once; acknowledges it (again) whenever it arrives. */
	private void onAcknowledgedData(Hello from, Frame frame, Delivery delivery, @Nullable InboundFlow flow) {
		NodeId sender = from.node().id();
		if (!this.dedup.firstTime(sender, from.incarnation(), frame.messageId())) {
			delivery.payload().release();
			sendAck(sender, frame.messageId());
			return;
		}
		boolean accepted;
		if ((frame.flags() & FrameCodec.FLAG_CAUSAL) != 0) {
			accepted = offerCausally(sender, delivery);
		}
		else {
			accepted = this.dispatcher.dispatch(delivery, flow);
		}
		if (accepted) {
			sendAck(sender, frame.messageId());
		}
		else {
			this.dedup.forget(sender, from.incarnation(), frame.messageId());
		}
	}

	/** Holds a causal message until its predecessors are delivered; false when the label's buffer is full. */
	private boolean offerCausally(NodeId sender, Delivery delivery) {
		CausalOrder.Header header;
		try {
			header = CausalOrder.readHeader(delivery.payload());
		}
		catch (IndexOutOfBoundsException | IllegalArgumentException ex) {
			logger.warn("Dropped a causal message from {} with a malformed causal header", sender);
			delivery.payload().release();
			return true;
		}
		boolean taken = this.causal.offer(sender, header, () -> this.dispatcher.dispatch(delivery));
		if (!taken) {
			logger.warn("Causal buffer of label '{}' is full; message {} from {} will be retransmitted", header.label(),
					delivery.meta().messageId(), sender);
			delivery.payload().release();
		}
		return taken;
	}

	private void sendAck(NodeId peer, long id) {
		ByteBuf frame = emptyControlFrame(FrameKind.ACK, id);
		try {
			transmit(FrameKind.ACK, peer, ChannelSpec.CONTROL, null, "", "", id, frame, 0, null);
		}
		catch (PartisanException ex) {
			logger.debug("Acknowledgement of {} to {} not queued: {}", id, peer, ex.getMessage());
		}
	}

	/** Acknowledgement, de-duplication and monotonic figures of this node. */
	public DeliveryStats deliveryStats() {
		long superseded = connectionTable().stream().mapToLong(LaneStats::supersededMessages).sum();
		return new DeliveryStats(this.acks.outstanding(), this.acks.retransmits(), this.acks.acknowledged(),
				this.dedup.duplicates(), superseded, this.causal.held());
	}

	private void failCallsTo(NodeId node) {
		for (PendingCall pending : this.pendingCalls.values()) {
			if (pending.node.equals(node)) {
				pending.future.completeExceptionally(new NodeDownException(node, pending.name));
			}
		}
	}

	private static String senderIdentity(ForwardOptions options) {
		if (options.sender() != null) {
			return options.sender();
		}
		String handler = Dispatcher.currentHandler();
		if (handler != null) {
			return handler;
		}
		return "thread-" + Thread.currentThread().getId();
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

	private Object decode(Delivery delivery, Class<?> expected) {
		if (!delivery.compressed()) {
			return this.codecs.decode(delivery.codecId(), delivery.payloadType(), delivery.payload(), expected);
		}
		ByteBuf inflated = Compression.inflate(delivery.payload(), this.alloc, this.config.maxFrameSize());
		try {
			return this.codecs.decode(delivery.codecId(), delivery.payloadType(), inflated, expected);
		}
		finally {
			inflated.release();
		}
	}

	private void heartbeat() {
		Transport current = transport();
		for (NodeId peer : current.needsHeartbeats() ? current.peers() : Set.<NodeId>of()) {
			if (current.isControlConnected(peer)) {
				ByteBuf frame = emptyControlFrame(FrameKind.HEARTBEAT, 0);
				try {
					transmit(FrameKind.HEARTBEAT, peer, ChannelSpec.CONTROL, null, "", "", 0, frame, 0, null);
				}
				catch (PartisanException ex) {
					logger.debug("Heartbeat to {} not queued: {}", peer, ex.getMessage());
				}
			}
		}
		evaluate();
	}

	/** Recomputes up/down members (control thread). */
	private void evaluate() {
		if (this.state != State.STARTED) {
			return;
		}
		Transport current = transport();
		long timeout = this.config.failureTimeout().toNanos();
		MemberTracker.Changes changes = this.tracker.evaluate(overlay().members(),
				(id) -> current.isControlConnected(id) && current.silenceNanos(id) < timeout);
		changes.cameUp().forEach(overlay()::onPeerUp);
		changes.wentDown().forEach((node) -> {
			failCallsTo(node.id());
			overlay().onPeerDown(node);
		});
	}

	private Transport transport() {
		Transport current = this.transport;
		if (current == null) {
			throw new IllegalStateException("Node " + this.local.id() + " is not started");
		}
		return current;
	}

	private Overlay overlay() {
		Overlay current = this.overlay;
		if (current == null) {
			throw new IllegalStateException("Node " + this.local.id() + " is not started");
		}
		return current;
	}

	private void requireStarted() {
		if (this.state != State.STARTED) {
			throw new IllegalStateException("Node " + this.local.id() + " is " + this.state.name().toLowerCase()
					+ "; call start() first");
		}
	}

	private void onControl(Runnable task) {
		try {
			this.control.execute(guard(task));
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			logger.debug("Node {} is closed; control task dropped", this.local.id());
		}
	}

	private <T> CompletableFuture<T> callOnControl(Supplier<CompletableFuture<T>> call) {
		CompletableFuture<T> result = new CompletableFuture<>();
		try {
			this.control.execute(() -> {
				try {
					call.get().whenComplete((value, error) -> {
						if (error != null) {
							result.completeExceptionally(unwrap(error));
						}
						else {
							result.complete(value);
						}
					});
				}
				catch (RuntimeException ex) {
					result.completeExceptionally(ex);
				}
			});
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			result.completeExceptionally(new PartisanException("Node " + this.local.id() + " is closed"));
		}
		return result;
	}

	private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> future, Duration timeout,
			Supplier<PartisanException> onTimeout) {
		return future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((value, error) -> {
			if (error == null) {
				return value;
			}
			Throwable cause = unwrap(error);
			if (cause instanceof TimeoutException) {
				throw onTimeout.get();
			}
			throw (cause instanceof RuntimeException runtime) ? runtime : new CompletionException(cause);
		});
	}

	/** A control-channel frame with no payload (heartbeats, acknowledgements). */
	private ByteBuf emptyControlFrame(FrameKind kind, long id) {
		return FrameCodec.encode(this.alloc, kind, 0, id, ChannelSpec.CONTROL, this.local.name(), "", "", (byte) 0, "",
				Unpooled.EMPTY_BUFFER);
	}

	private static Throwable unwrap(Throwable error) {
		Throwable current = error;
		while (current instanceof CompletionException && current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	private Runnable guard(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.error("Control task failed on node {}", this.local.id(), ex);
			}
		};
	}

	private static String rootMessage(Throwable error) {
		Throwable current = error;
		while (current.getCause() != null && current.getCause() != current) {
			current = current.getCause();
		}
		return String.valueOf(current.getMessage());
	}

	/** Frames and connection events from the transport, on event-loop threads. */
	private final class Inbound implements TransportListener {

		@Override
		public void onFrame(Hello from, Frame frame) {
			onFrame(from, frame, null);
		}

		@Override
		public void onFrame(Hello from, Frame frame, @Nullable InboundFlow flow) {
			if (!interposition.isEmpty()) {
				MessageEvent event = new MessageEvent(Direction.INGRESS, local.id(), from.node().id(), frame.kind().name(),
						frame.channel(), frame.destination(), frame.messageId(), frame.payload().readableBytes());
				Verdict verdict = interposition.apply(event, frame.payload());
				if (verdict.kind() == Verdict.Kind.DROP) {
					frame.release();
					return;
				}
				if (verdict.kind() == Verdict.Kind.DELAY) {
					try {
						delays.schedule(() -> process(from, frame, flow), verdict.delay().toNanos(), TimeUnit.NANOSECONDS);
					}
					catch (java.util.concurrent.RejectedExecutionException ex) {
						frame.release();
					}
					return;
				}
			}
			process(from, frame, flow);
		}

		/** With a {@code flow}, a full mailbox pauses the connection the frame came on instead of dropping. */
		void process(Hello from, Frame frame, @Nullable InboundFlow flow) {
			switch (frame.kind()) {
				case DATA -> {
					Delivery delivery = new Delivery(
							new PartisanMessage(from.node().id(), frame.channel(), frame.destination(), frame.messageId()),
							frame.codecId(), frame.payloadType(), frame.compressed(), frame.payload(),
							(frame.flags() & FrameCodec.FLAG_CALL) != 0);
					if ((frame.flags() & FrameCodec.FLAG_ACK) != 0) {
						onAcknowledgedData(from, frame, delivery, flow);
					}
					else {
						dispatcher.dispatch(delivery, flow);
					}
				}
				case ACK -> {
					frame.release();
					acks.acknowledge(from.node().id(), frame.messageId());
				}
				case RELAY -> onRelay(from, frame);
				case REPLY -> onReply(from.node().id(), frame.messageId(), frame.flags(), frame.codecId(),
						frame.payloadType(), frame.payload());
				case CONTROL -> onControlFrame(from, frame);
				default -> frame.release();
			}
		}

		private void onControlFrame(Hello from, Frame frame) {
			ControlMessage message;
			try {
				message = controlCodec.decode(frame.destination(), frame.payload());
			}
			catch (PartisanException ex) {
				logger.warn("Dropped a control message from {}: {}", from.node(), ex.getMessage());
				return;
			}
			finally {
				frame.release();
			}
			onControl(() -> {
				if (state == State.STARTED) {
					overlay().onControlMessage(from.node().id(), message);
					evaluate();
				}
			});
		}

		@Override
		public void onControlConnected(NodeId peer) {
			onControl(PartisanNode.this::evaluate);
		}

		@Override
		public void onControlUnreachable(NodeId peer, Throwable cause) {
			onControl(() -> {
				if (state == State.STARTED) {
					overlay().onPeerUnreachable(peer, cause);
					evaluate();
				}
			});
		}

		@Override
		public void onFullyConnected(NodeId peer) {
			checkFullyConnected(peer);
		}

	}

	/** An encoded control message and what the egress pipeline is told about it. */
	private record ControlFrame(ByteBuf frame, String type, long id, int payloadSize) {
	}

	/** The overlay's view of this node; used on the control thread only. */
	private final class Context implements OverlayContext {

		private final Random random = new Random();

		@Override
		public Node localNode() {
			return local;
		}

		@Override
		public long incarnation() {
			return incarnation;
		}

		@Override
		public List<Node> seeds() {
			return config.seeds();
		}

		@Override
		public void connect(Node peer) {
			transport().connect(peer);
		}

		@Override
		public void disconnect(NodeId peer) {
			transport().disconnect(peer);
		}

		@Override
		public boolean isConnected(NodeId peer) {
			return transport().isControlConnected(peer);
		}

		@Override
		public CompletableFuture<Void> send(NodeId peer, ControlMessage message) {
			CompletableFuture<Void> written = new CompletableFuture<>();
			try {
				ControlFrame control = controlFrame(message);
				transmit(FrameKind.CONTROL, peer, ChannelSpec.CONTROL, null, "", control.type(), control.id(),
						control.frame(), control.payloadSize(), written);
			}
			catch (PartisanException ex) {
				written.completeExceptionally(ex);
			}
			return written;
		}

		@Override
		public void announce(ControlMessage message) {
			toEveryNode(message, true);
		}

		@Override
		public void publish(ControlMessage message) {
			toEveryNode(message, false);
		}

		/** An overlay's message as a CONTROL frame, named by its wire type. */
		private ControlFrame controlFrame(ControlMessage message) {
			String type = controlCodec.typeName(message);
			ByteBuf payload = controlCodec.encode(message, alloc);
			int payloadSize = payload.readableBytes();
			long id = messageIds.incrementAndGet();
			ByteBuf frame = FrameCodec.encode(alloc, FrameKind.CONTROL, 0, id, ChannelSpec.CONTROL, local.name(), "",
					type, (byte) 0, type, payload);
			return new ControlFrame(frame, type, id, payloadSize);
		}

		private void toEveryNode(ControlMessage message, boolean standing) {
			try {
				transport().announce(controlFrame(message).frame(), standing);
			}
			catch (PartisanException ex) {
				logger.debug("Announcement {} of {} not sent: {}", message, local.id(), ex.getMessage());
			}
		}

		@Override
		public void membersChanged() {
			onControl(PartisanNode.this::evaluate);
		}

		@Override
		public void deliver(Node origin, String handler, byte codecId, String payloadType, byte[] payload) {
			PartisanMessage meta = new PartisanMessage(origin.id(), "_broadcast", handler, 0);
			dispatcher.dispatch(new Delivery(meta, codecId, payloadType, false, Unpooled.wrappedBuffer(payload), false));
		}

		@Override
		public void schedule(Duration period, Runnable task) {
			control.scheduleWithFixedDelay(guard(task), period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
		}

		@Override
		public void scheduleOnce(Duration delay, Runnable task) {
			control.schedule(guard(task), delay.toNanos(), TimeUnit.NANOSECONDS);
		}

		@Override
		public Random random() {
			return this.random;
		}

	}

}
