package dev.partisan.pubsub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;

import dev.partisan.api.BrokerUnavailableException;
import dev.partisan.api.ForwardOptions;
import dev.partisan.api.LaneStats;
import dev.partisan.api.LogText;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.api.PartisanException;
import dev.partisan.api.QueueFullException;
import dev.partisan.api.RateLimitedLog;
import dev.partisan.api.UnknownNodeException;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.transport.LaneChooser;
import dev.partisan.transport.Outgoing;
import dev.partisan.transport.Transport;
import dev.partisan.transport.TransportListener;
import dev.partisan.transport.TransportSettings;
import dev.partisan.wire.Frame;
import dev.partisan.wire.FrameCodec;
import dev.partisan.wire.Hello;
import dev.partisan.wire.Hmac;
import dev.partisan.wire.MalformedFrameException;
import dev.partisan.wire.MalformedTraceException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;

/**
 * A transport through an AMQP 0-9-1 broker: the node only connects out, never listens.
 * Frames are the same as over TCP; each becomes one AMQP message, published on the lane's
 * own AMQP channel to the destination's lane queue and consumed there by exactly one
 * consumer.
 *
 * <p>
 * Every message carries its sender, the sender's incarnation and, with a cluster secret,
 * an HMAC-SHA256 over both and the body in headers: the broker's credentials let a client
 * in, the secret decides whether it belongs to this cluster.
 *
 * <p>
 * A peer is known from the first message heard from it; its liveness is the time since
 * the last one. Announcements on the membership exchange keep that fresh, so no per-peer
 * heartbeats are needed.
 */
public final class AmqpTransport implements Transport {

	private static final Logger logger = LoggerFactory.getLogger(AmqpTransport.class);

	static final String SENDER = "partisan-sender";

	static final String HOST = "partisan-host";

	static final String TAG = "partisan-tag";

	static final String INCARNATION = "partisan-incarnation";

	static final String CHANNEL = "partisan-channel";

	static final String LANE = "partisan-lane";

	static final String KEY = "partisan-key";

	static final String MAC = "partisan-mac";

	/**
	 * Announcements are tiny and periodic, but broadcasts share their lane: give it room
	 * for bursts.
	 */
	private static final int ANNOUNCE_QUEUE = 10_000;

	/**
	 * The longest this node's own deafness (see {@link #deafSinceNanos}) is not counted
	 * against its peers: a node cut off from the broker for longer sees them go down, as
	 * it should.
	 */
	static final long DEAF_GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);

	/** What this node knows of another: which start of it it last heard, and when. */
	private static final class Peer {

		volatile long incarnation;

		volatile long lastHeardNanos = System.nanoTime();

		Peer(long incarnation) {
			this.incarnation = incarnation;
		}

	}

	private record Key(NodeId peer, String channel, int lane) {
	}

	private final ConnectionFactory connectionFactory;

	private final TransportSettings settings;

	private final PubSubTopology topology;

	private final Node local;

	private final long incarnation;

	private final TransportListener listener;

	/** The cluster secret's HMAC, or {@code null} when the cluster has none. */
	private final @Nullable Hmac hmac;

	private final Map<NodeId, Peer> peers = new ConcurrentHashMap<>();

	private final Map<Key, LaneCounters> counters = new ConcurrentHashMap<>();

	private final Map<String, PublishLane[]> lanes = new LinkedHashMap<>();

	private final LaneChooser chooser;

	private final ScheduledExecutorService timer;

	private @Nullable ScheduledFuture<?> sweepTask;

	private final PublishLane announcer;

	private final AtomicReference<byte @Nullable []> lastAnnouncement = new AtomicReference<>();

	private final AtomicLong rejected = new AtomicLong();

	/**
	 * Refused messages and name clashes, as an intruder or a misconfigured node repeats
	 * them: one line per kind and sender a minute, the rest counted.
	 */
	private final RateLimitedLog refusals = new RateLimitedLog(logger);

	private final ConnectionListener connectionListener = new BrokerConnectionListener();

	private final int prefetch;

	private volatile boolean brokerUp;

	/**
	 * When this node lost the broker and so stopped hearing anyone (while {@link #deaf}).
	 * Reconnecting is not hearing: its consumers come back later than its connection (by
	 * seconds, after {@code close_all_connections}). It hears again once its own
	 * announcement comes back through its membership queue; until then, within
	 * {@link #DEAF_GRACE_NANOS}, its peers' silence is counted only up to the moment it
	 * went deaf, and once it hears again they are all heard anew: silence this node could
	 * not have heard through is no evidence against them.
	 */
	private volatile long deafSinceNanos;

	private volatile boolean deaf;

	private volatile boolean closing;

	private @Nullable DirectMessageListenerContainer container;

	AmqpTransport(ConnectionFactory connectionFactory, PubSubSettings pubSub, TransportSettings settings, Node local,
			long incarnation, TransportListener listener, ScheduledExecutorService timer) {
		this.connectionFactory = connectionFactory;
		this.settings = settings;
		this.local = local.withPort(0);
		this.incarnation = incarnation;
		this.listener = listener;
		this.hmac = Hmac.of(settings.clusterSecret());
		this.timer = timer;
		this.chooser = new LaneChooser(settings.channels(), settings.affinity(), this.local.id());
		this.topology = new PubSubTopology(pubSub, local.name(), settings.channels());
		for (ChannelSpec spec : this.topology.channels()) {
			PublishLane[] channelLanes = new PublishLane[spec.parallelism()];
			for (int i = 0; i < channelLanes.length; i++) {
				channelLanes[i] = new PublishLane("partisan-" + local.name() + "-publish-" + spec.name() + "-" + i,
						connectionFactory, settings.maxQueuedMessages(), settings.maxQueuedBytes(),
						this::publishFailed);
			}
			this.lanes.put(spec.name(), channelLanes);
		}
		this.announcer = new PublishLane("partisan-" + local.name() + "-announce", connectionFactory, ANNOUNCE_QUEUE,
				settings.maxQueuedBytes(), this::publishFailed);
		this.prefetch = pubSub.prefetch();
	}

	@Override
	public Node start() {
		this.connectionFactory.addConnectionListener(this.connectionListener);
		this.lanes.values().forEach((channelLanes) -> {
			for (PublishLane lane : channelLanes) {
				lane.start();
			}
		});
		this.announcer.start();
		try {
			// Opening the connection declares the topology (see the listener), before
			// anyone consumes.
			this.connectionFactory.createConnection();
		}
		catch (RuntimeException ex) {
			logger.warn("Node {} cannot reach the AMQP broker at {}:{} yet ({}); it keeps trying", this.local.id(),
					this.connectionFactory.getHost(), this.connectionFactory.getPort(), ex.getMessage());
		}
		DirectMessageListenerContainer consumers = new LaneConsumers(this.connectionFactory);
		consumers.setQueueNames(this.topology.queues().toArray(String[]::new));
		consumers.setConsumersPerQueue(1);
		consumers.setPrefetchCount(this.prefetch);
		consumers.setAcknowledgeMode(AcknowledgeMode.AUTO);
		consumers.setDefaultRequeueRejected(false);
		consumers.setMissingQueuesFatal(false);
		consumers.setRecoveryInterval(1000);
		consumers.setMonitorInterval(1000);
		consumers.setMessageListener(this::onMessage);
		consumers.afterPropertiesSet();
		consumers.start();
		this.container = consumers;
		this.sweepTask = this.timer.scheduleWithFixedDelay(
				() -> this.chooser.sweep(System.nanoTime(), this::laneIsEmpty), 1, 1, TimeUnit.SECONDS);
		return this.local;
	}

	@Override
	public boolean isListening() {
		return false;
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("kind", "amqp");
		details.put("broker", this.connectionFactory.getHost() + ":" + this.connectionFactory.getPort());
		details.put("brokerConnected", this.brokerUp);
		details.put("exchanges", List.of(this.topology.membershipExchange(), this.topology.directExchange()));
		details.put("rejectedMessages", this.rejected.get());
		return details;
	}

	@Override
	public void connect(Node peer) {
		if (!peer.id().equals(this.local.id())) {
			this.peers.computeIfAbsent(peer.id(), (id) -> new Peer(0));
		}
	}

	@Override
	public void disconnect(NodeId peer) {
		this.peers.remove(peer);
	}

	@Override
	public boolean hasPeer(NodeId peer) {
		return this.peers.containsKey(peer);
	}

	@Override
	public Set<NodeId> peers() {
		return Set.copyOf(this.peers.keySet());
	}

	@Override
	public boolean isControlConnected(NodeId peer) {
		return this.peers.containsKey(peer);
	}

	@Override
	public boolean isFullyConnected(NodeId peer) {
		return this.brokerUp && this.peers.containsKey(peer);
	}

	@Override
	public long silenceNanos(NodeId peer) {
		Peer known = this.peers.get(peer);
		if (known == null) {
			return Long.MAX_VALUE;
		}
		long now = System.nanoTime();
		long heard = known.lastHeardNanos;
		long deafSince = this.deafSinceNanos;
		if (this.deaf && now - deafSince < DEAF_GRACE_NANOS) {
			return Math.max(0, deafSince - heard);
		}
		return now - heard;
	}

	@Override
	public boolean needsHeartbeats() {
		return false;
	}

	@Override
	public void send(Outgoing message) {
		NodeId peer = message.peer();
		byte[] body;
		ByteBuf frame = message.takeFrame();
		try {
			if (!this.peers.containsKey(peer)) {
				throw new UnknownNodeException(peer);
			}
			if (!this.brokerUp) {
				throw new BrokerUnavailableException("The AMQP broker at " + this.connectionFactory.getHost() + ":"
						+ this.connectionFactory.getPort() + " is unreachable; the message to '" + peer
						+ "' on channel '" + message.channel() + "' was not sent (node " + this.local.id()
						+ " reconnects by itself)");
			}
			body = bodyOf(frame);
		}
		finally {
			frame.release();
		}
		LaneChooser.Choice choice = this.chooser.choose(message);
		String laneChannel = choice.channel().name();
		int index = choice.lane();
		LaneCounters laneCounters = counters(peer, laneChannel, index);
		Map<String, Object> headers = new HashMap<>(8);
		headers.put(CHANNEL, laneChannel);
		headers.put(LANE, index);
		Object partitionKey = message.partitionKey();
		if (partitionKey != null) {
			headers.put(KEY, String.valueOf(partitionKey));
		}
		PublishLane.Outgoing outgoing = new PublishLane.Outgoing(this.topology.directExchange(),
				PubSubTopology.routingKey(peer.name(), laneChannel, index), properties(headers, body), body,
				laneCounters, message.written(), message.notBeforeNanos(), choice.supersedeKey(), new AtomicBoolean());
		if (!lanesOf(laneChannel)[index].offer(outgoing)) {
			laneCounters.droppedMessages.increment();
			throw new QueueFullException("The publishing queue of channel '" + laneChannel + "' lane " + index
					+ " on node " + this.local.id() + " is full (partisan.max-queued-messages / max-queued-bytes)");
		}
	}

	/**
	 * The publishing lanes of a channel the chooser picked: it only picks configured
	 * channels.
	 */
	private PublishLane[] lanesOf(String channel) {
		PublishLane[] channelLanes = this.lanes.get(channel);
		if (channelLanes == null) {
			throw new IllegalStateException("No publishing lanes for channel '" + channel + "'");
		}
		return channelLanes;
	}

	private LaneCounters counters(NodeId peer, String channel, int lane) {
		return this.counters.computeIfAbsent(new Key(peer, channel, lane), (k) -> new LaneCounters());
	}

	/**
	 * Whether nothing for {@code peer} waits on the lane: a balanced flow idle there may
	 * be placed anew.
	 */
	private boolean laneIsEmpty(NodeId peer, String channel, int lane) {
		LaneCounters laneCounters = this.counters.get(new Key(peer, channel, lane));
		return laneCounters == null || laneCounters.queuedMessages.get() == 0;
	}

	@Override
	public void announce(ByteBuf frame, boolean repeatOnReconnect) {
		byte[] body;
		try {
			body = bodyOf(frame);
		}
		finally {
			frame.release();
		}
		if (repeatOnReconnect) {
			this.lastAnnouncement.set(body);
		}
		publishAnnouncement(body);
	}

	private void publishAnnouncement(byte[] body) {
		Map<String, Object> headers = new HashMap<>(8);
		headers.put(CHANNEL, ChannelSpec.CONTROL);
		headers.put(LANE, 0);
		// Offered even while the broker is down: the attempt is what reconnects an idle
		// node.
		if (!this.announcer.offer(new PublishLane.Outgoing(this.topology.membershipExchange(), "",
				properties(headers, body), body, null, null, 0))) {
			logger.debug("Announcement of {} dropped: the announcing queue is full", this.local.id());
		}
	}

	@Override
	public CompletableFuture<Node> identify(String host, int port) {
		return CompletableFuture.failedFuture(new PartisanException("The pubsub overlay does not connect to " + host
				+ ":" + port + ": nodes find each other through the broker, so seeds need no address"));
	}

	@Override
	public List<LaneStats> stats() {
		List<LaneStats> rows = new ArrayList<>();
		for (NodeId peer : this.peers.keySet()) {
			for (ChannelSpec spec : this.topology.channels()) {
				for (int lane = 0; lane < spec.parallelism(); lane++) {
					LaneCounters c = this.counters.getOrDefault(new Key(peer, spec.name(), lane), new LaneCounters());
					rows.add(new LaneStats(peer, spec.name(), lane, this.brokerUp, c.queuedMessages.get(),
							c.queuedBytes.get(), c.sentMessages.sum(), c.sentBytes.sum(), c.receivedMessages.sum(),
							c.receivedBytes.sum(), c.droppedMessages.sum(), c.supersededMessages.sum()));
				}
			}
		}
		return rows;
	}

	@Override
	public void close() {
		ScheduledFuture<?> sweep = this.sweepTask;
		if (sweep != null) {
			sweep.cancel(false);
		}
		this.closing = true;
		DirectMessageListenerContainer consumers = this.container;
		if (consumers != null) {
			consumers.stop();
			consumers.destroy();
		}
		// Every lane stops at once, so a broker that does not answer costs one lane's
		// grace period, not one each.
		this.lanes.values().forEach((channelLanes) -> {
			for (PublishLane lane : channelLanes) {
				lane.stopTaking();
			}
		});
		this.announcer.stopTaking();
		this.lanes.values().forEach((channelLanes) -> {
			for (PublishLane lane : channelLanes) {
				lane.close();
			}
		});
		this.announcer.close();
		this.connectionFactory.removeConnectionListener(this.connectionListener);
		this.peers.clear();
	}

	/**
	 * Receives one delivery, on the consumer's thread (one per queue, so in queue order).
	 */
	private void onMessage(Message message) {
		MessageProperties properties = message.getMessageProperties();
		String sender = properties.getHeader(SENDER);
		Object incarnationHeader = properties.getHeader(INCARNATION);
		if (sender == null || !(incarnationHeader instanceof Long)) {
			reject("headerless", "a message without sender headers from queue {}", properties.getConsumerQueue());
			return;
		}
		long senderIncarnation = (Long) incarnationHeader;
		byte[] body = message.getBody();
		if (!signatureValid(sender, senderIncarnation, body, properties.getHeader(MAC))) {
			return;
		}
		if (sender.equals(this.local.name())) {
			if (senderIncarnation == this.incarnation) {
				hearingAgain();
			}
			else {
				this.refusals.warn("twin:" + senderIncarnation,
						"Another node named '{}' (incarnation {}) uses the broker; node names must be unique",
						LogText.escape(sender), senderIncarnation);
			}
			return;
		}
		Frame frame;
		try {
			frame = FrameCodec.decode(Unpooled.wrappedBuffer(body));
		}
		catch (MalformedFrameException | MalformedTraceException | IllegalArgumentException ex) {
			reject("malformed:" + sender, "a malformed message from '{}': {}", sender, ex.getMessage());
			return;
		}
		if (!frame.sender().equals(sender)) {
			frame.release();
			reject("mismatch:" + sender, "a message whose frame names '{}' but whose header names '{}'", frame.sender(),
					sender);
			return;
		}
		Node node = new Node(NodeId.of(sender), headerOr(properties, HOST, "unknown"), 0,
				emptyToNull(headerOr(properties, TAG, "")));
		boolean isNew = heard(node, senderIncarnation);
		Object laneHeader = properties.getHeader(LANE);
		int lane = (laneHeader instanceof Integer) ? (Integer) laneHeader : 0;
		LaneCounters laneCounters = this.counters.computeIfAbsent(new Key(node.id(), frame.channel(), lane),
				(k) -> new LaneCounters());
		laneCounters.receivedMessages.increment();
		laneCounters.receivedBytes.add(body.length);
		if (isNew) {
			this.listener.onControlConnected(node.id());
			this.listener.onFullyConnected(node.id());
		}
		Hello hello = new Hello(node, senderIncarnation, frame.channel(), lane, System.currentTimeMillis());
		PausableDelivery flow = new PausableDelivery();
		this.listener.onFrame(hello, frame, flow);
		try {
			flow.awaitResumed(() -> this.closing);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * This node's own announcement came back: its consumers work, so it hears its peers
	 * again; after an outage each is given a fresh start, as if just heard.
	 */
	private void hearingAgain() {
		if (this.deaf) {
			this.deaf = false;
			long now = System.nanoTime();
			this.peers.values().forEach((peer) -> peer.lastHeardNanos = now);
			// INFO: the end of an outage the loss of which was logged at WARN.
			logger.info(
					"Node {} hears the broker again after {} ms; its peers' silence during the outage is not "
							+ "held against them",
					this.local.id(), TimeUnit.NANOSECONDS.toMillis(now - this.deafSinceNanos));
		}
	}

	/**
	 * Records a message from {@code node}; true when it was not known before (or
	 * restarted).
	 */
	private boolean heard(Node node, long senderIncarnation) {
		boolean[] isNew = { false };
		Peer peer = this.peers.computeIfAbsent(node.id(), (id) -> {
			isNew[0] = true;
			return new Peer(senderIncarnation);
		});
		peer.lastHeardNanos = System.nanoTime();
		if (peer.incarnation != senderIncarnation) {
			isNew[0] |= peer.incarnation != 0;
			peer.incarnation = senderIncarnation;
		}
		return isNew[0];
	}

	private boolean signatureValid(String sender, long senderIncarnation, byte[] body, @Nullable Object mac) {
		Hmac key = this.hmac;
		if (key == null) {
			return true;
		}
		if (mac == null) {
			reject("unsigned:" + sender, "a message from '{}' without the cluster secret's signature", sender);
			return false;
		}
		byte[] given = mac.toString().getBytes(StandardCharsets.US_ASCII);
		if (!Hmac.matches(sign(key, sender, senderIncarnation, body), given)) {
			reject("missigned:" + sender, "a message from '{}' signed with another cluster secret", sender);
			return false;
		}
		return true;
	}

	/**
	 * Counts a refused message and logs it, at most once a minute per {@code key} (its
	 * kind and sender). The details come from the message, so they are escaped here.
	 * @param what an SLF4J format of what was dropped, with one placeholder per detail
	 */
	private void reject(String key, String what, @Nullable Object... details) {
		this.rejected.incrementAndGet();
		Object[] arguments = new Object[details.length + 1];
		arguments[0] = this.local.id();
		for (int i = 0; i < details.length; i++) {
			arguments[i + 1] = LogText.escape(details[i]);
		}
		String format = "Node {} dropped " + what + " (all are counted in rejectedMessages)";
		if (!this.refusals.warn(key, format, arguments) && logger.isDebugEnabled()) {
			logger.debug(format, arguments);
		}
	}

	private AMQP.BasicProperties properties(Map<String, Object> headers, byte[] body) {
		headers.put(SENDER, this.local.name());
		headers.put(HOST, this.local.host());
		if (this.local.tag() != null) {
			headers.put(TAG, this.local.tag());
		}
		headers.put(INCARNATION, this.incarnation);
		Hmac key = this.hmac;
		if (key != null) {
			headers.put(MAC,
					new String(sign(key, this.local.name(), this.incarnation, body), StandardCharsets.US_ASCII));
		}
		return new AMQP.BasicProperties.Builder().headers(headers).deliveryMode(1).build();
	}

	/**
	 * The signature as Base64 ASCII: a string header, which every AMQP 0-9-1 broker
	 * carries unchanged.
	 */
	private static byte[] sign(Hmac key, String sender, long senderIncarnation, byte[] body) {
		return Base64.getEncoder().encode(key.sign((mac) -> {
			mac.update(sender.getBytes(StandardCharsets.UTF_8));
			for (int shift = 56; shift >= 0; shift -= 8) {
				mac.update((byte) (senderIncarnation >>> shift));
			}
			mac.update(body);
		}));
	}

	/** The frame without its length prefix: the message body already has a length. */
	private static byte[] bodyOf(ByteBuf frame) {
		int start = frame.readerIndex() + FrameCodec.LENGTH_FIELD_SIZE;
		byte[] body = new byte[frame.writerIndex() - start];
		frame.getBytes(start, body);
		return body;
	}

	private static String headerOr(MessageProperties properties, String name, String fallback) {
		Object value = properties.getHeader(name);
		return (value != null) ? value.toString() : fallback;
	}

	private static @Nullable String emptyToNull(String value) {
		return value.isEmpty() ? null : value;
	}

	private void publishFailed(Exception cause) {
		brokerLost(cause.getMessage());
	}

	/** Logs the loss once per outage; sends fail fast until the connection is back. */
	private void brokerLost(@Nullable String reason) {
		boolean was = this.brokerUp;
		this.brokerUp = false;
		if (!this.deaf) {
			this.deafSinceNanos = System.nanoTime();
			this.deaf = true;
		}
		if (was) {
			logger.warn("Node {} lost the AMQP broker at {}:{} ({}); sends fail until it reconnects", this.local.id(),
					this.connectionFactory.getHost(), this.connectionFactory.getPort(), reason);
		}
	}

	/**
	 * Follows the broker connection: declares the topology on every (re)connection and
	 * re-announces.
	 */
	private final class BrokerConnectionListener implements ConnectionListener {

		@Override
		public void onCreate(@Nullable Connection connection) {
			if (connection == null) {
				return;
			}
			try (com.rabbitmq.client.Channel channel = connection.createChannel(false)) {
				AmqpTransport.this.topology.declare(channel);
			}
			catch (Exception ex) {
				logger.error("Node {} could not declare its exchanges and queues on the broker: {}", local.id(),
						ex.getMessage());
				return;
			}
			AmqpTransport.this.brokerUp = true;
			logger.info("Node {} connected to the AMQP broker at {}:{}; exchanges and queues declared", local.id(),
					connectionFactory.getHost(), connectionFactory.getPort());
			byte[] last = AmqpTransport.this.lastAnnouncement.get();
			if (last != null) {
				publishAnnouncement(last);
			}
		}

		@Override
		public void onClose(Connection connection) {
			brokerLost("connection closed");
		}

		@Override
		public void onShutDown(ShutdownSignalException signal) {
			if (!signal.isInitiatedByApplication()) {
				brokerLost(signal.getMessage());
			}
		}

		@Override
		public void onFailed(Exception exception) {
			brokerLost(exception.getMessage());
		}

	}

}
