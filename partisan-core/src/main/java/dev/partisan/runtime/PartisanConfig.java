package dev.partisan.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.transport.TransportSettings;
import dev.partisan.wire.PayloadCodec;
import dev.partisan.wire.TypeAllowList;
import org.jspecify.annotations.Nullable;

/**
 * Everything a node is started with. Immutable; build one with {@link #builder(String)}. Each setter's
 * Javadoc says what the knob trades.
 */
public final class PartisanConfig {

	private final Node node;

	private final OverlayFactory overlay;

	private final List<Node> seeds;

	private final Map<String, ChannelSpec> channels;

	private final boolean affinity;

	private final Duration heartbeatInterval;

	private final Duration failureTimeout;

	private final Duration gossipInterval;

	private final Duration joinTimeout;

	private final int maxFrameSize;

	private final int compressionThreshold;

	private final Duration connectTimeout;

	private final Duration reconnectMin;

	private final Duration reconnectMax;

	private final Duration connectionRefreshInterval;

	private final int connectionsPerRefresh;

	private final int maxQueuedMessages;

	private final long maxQueuedBytes;

	private final int mailboxCapacity;

	private final int listenBacklog;

	private final int eventLoopThreads;

	private final int handlerThreads;

	private final Set<String> allowedPackages;

	private final List<PayloadCodec> codecs;

	private final @Nullable String clusterSecret;

	private final Duration retransmitInterval;

	private final int maxOutstandingAcks;

	private final Duration dedupWindow;

	private final Duration monotonicWindow;

	private final HyParViewOverlay.Settings hyParView;

	private PartisanConfig(Builder b) {
		this.node = new Node(NodeId.of(b.name), b.host, b.port, b.tag);
		this.overlay = b.overlay;
		this.seeds = List.copyOf(b.seeds);
		Map<String, ChannelSpec> channels = new LinkedHashMap<>();
		channels.put(ForwardOptions.DEFAULT_CHANNEL, new ChannelSpec(ForwardOptions.DEFAULT_CHANNEL, b.parallelism, false));
		channels.putAll(b.channels);
		this.channels = java.util.Collections.unmodifiableMap(channels);
		this.affinity = b.affinity;
		this.heartbeatInterval = positive("heartbeat-interval", b.heartbeatInterval);
		this.failureTimeout = positive("failure-timeout", b.failureTimeout);
		if (this.failureTimeout.compareTo(this.heartbeatInterval.multipliedBy(2)) < 0) {
			throw new IllegalArgumentException("failure-timeout (" + this.failureTimeout
					+ ") must be at least twice heartbeat-interval (" + this.heartbeatInterval
					+ "), or one late heartbeat marks a healthy node down");
		}
		this.gossipInterval = positive("gossip-interval", b.gossipInterval);
		this.joinTimeout = positive("join-timeout", b.joinTimeout);
		this.maxFrameSize = atLeast("max-frame-size", b.maxFrameSize, 1024);
		this.compressionThreshold = atLeast("compression-threshold", b.compressionThreshold, 0);
		this.connectTimeout = positive("connect-timeout", b.connectTimeout);
		this.reconnectMin = positive("reconnect-min", b.reconnectMin);
		this.reconnectMax = positive("reconnect-max", b.reconnectMax);
		if (this.reconnectMax.compareTo(this.reconnectMin) < 0) {
			throw new IllegalArgumentException("reconnect-max (" + this.reconnectMax
					+ ") must not be below reconnect-min (" + this.reconnectMin + ")");
		}
		this.connectionRefreshInterval = positive("connection-refresh-interval", b.connectionRefreshInterval);
		this.connectionsPerRefresh = atLeast("connections-per-refresh", b.connectionsPerRefresh, 1);
		this.maxQueuedMessages = atLeast("max-queued-messages", b.maxQueuedMessages, 1);
		this.maxQueuedBytes = atLeast("max-queued-bytes", b.maxQueuedBytes, 1);
		this.mailboxCapacity = atLeast("mailbox-capacity", b.mailboxCapacity, 1);
		this.listenBacklog = atLeast("listen-backlog", b.listenBacklog, 1);
		this.eventLoopThreads = atLeast("event-loop-threads", b.eventLoopThreads, 1);
		this.handlerThreads = atLeast("handler-threads", b.handlerThreads, 1);
		this.allowedPackages = Set.copyOf(b.allowedPackages);
		this.codecs = List.copyOf(b.codecs);
		this.clusterSecret = b.clusterSecret;
		this.retransmitInterval = positive("retransmit-interval", b.retransmitInterval);
		this.maxOutstandingAcks = atLeast("max-outstanding-acks", b.maxOutstandingAcks, 1);
		this.dedupWindow = positive("dedup-window", b.dedupWindow);
		this.monotonicWindow = positive("monotonic-window", b.monotonicWindow);
		this.hyParView = b.hyParView;
	}

	/** The peer-to-peer overlay's HyParView parameters. */
	public HyParViewOverlay.Settings hyParView() {
		return this.hyParView;
	}

	private static Duration positive(String name, Duration value) {
		Objects.requireNonNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

	private static int atLeast(String name, int value, int min) {
		if (value < min) {
			throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
		}
		return value;
	}

	private static long atLeast(String name, long value, long min) {
		if (value < min) {
			throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
		}
		return value;
	}

	/** A builder for a node called {@code name}, with defaults that run one node on 127.0.0.1. */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	public Node node() {
		return this.node;
	}

	public OverlayFactory overlay() {
		return this.overlay;
	}

	public List<Node> seeds() {
		return this.seeds;
	}

	/** The application channels by name, the default channel first. */
	public Map<String, ChannelSpec> channels() {
		return this.channels;
	}

	public Duration heartbeatInterval() {
		return this.heartbeatInterval;
	}

	public Duration failureTimeout() {
		return this.failureTimeout;
	}

	public Duration gossipInterval() {
		return this.gossipInterval;
	}

	public Duration joinTimeout() {
		return this.joinTimeout;
	}

	public int maxFrameSize() {
		return this.maxFrameSize;
	}

	public int compressionThreshold() {
		return this.compressionThreshold;
	}

	public int mailboxCapacity() {
		return this.mailboxCapacity;
	}

	public int handlerThreads() {
		return this.handlerThreads;
	}

	public Set<String> allowedPackages() {
		return this.allowedPackages;
	}

	public List<PayloadCodec> codecs() {
		return this.codecs;
	}

	public @Nullable String clusterSecret() {
		return this.clusterSecret;
	}

	public boolean affinity() {
		return this.affinity;
	}

	public Duration retransmitInterval() {
		return this.retransmitInterval;
	}

	public int maxOutstandingAcks() {
		return this.maxOutstandingAcks;
	}

	public Duration dedupWindow() {
		return this.dedupWindow;
	}

	public Duration monotonicWindow() {
		return this.monotonicWindow;
	}

	TransportSettings transportSettings() {
		return new TransportSettings(List.copyOf(this.channels.values()), this.affinity, this.maxFrameSize,
				this.compressionThreshold, this.connectTimeout, this.reconnectMin, this.reconnectMax,
				this.connectionRefreshInterval, this.connectionsPerRefresh, this.maxQueuedMessages,
				this.maxQueuedBytes, this.listenBacklog, this.eventLoopThreads, this.clusterSecret, this.monotonicWindow);
	}

	/** Builds a {@link PartisanConfig}; every value has a default that suits a small local cluster. */
	public static final class Builder {

		private final String name;

		private String host = "127.0.0.1";

		private int port = 10100;

		private @Nullable String tag;

		private OverlayFactory overlay = Overlays.fullMesh();

		private final List<Node> seeds = new ArrayList<>();

		private int parallelism = 1;

		private final Map<String, ChannelSpec> channels = new LinkedHashMap<>();

		private boolean affinity = true;

		private Duration heartbeatInterval = Duration.ofSeconds(1);

		private Duration failureTimeout = Duration.ofSeconds(5);

		private Duration gossipInterval = Duration.ofSeconds(10);

		private Duration joinTimeout = Duration.ofSeconds(10);

		private int maxFrameSize = 64 * 1024 * 1024;

		private int compressionThreshold = 64 * 1024;

		private Duration connectTimeout = Duration.ofSeconds(5);

		private Duration reconnectMin = Duration.ofMillis(200);

		private Duration reconnectMax = Duration.ofSeconds(5);

		private Duration connectionRefreshInterval = Duration.ofMillis(100);

		private int connectionsPerRefresh = 1;

		private int maxQueuedMessages = 100_000;

		private long maxQueuedBytes = 256L * 1024 * 1024;

		private int mailboxCapacity = 100_000;

		private int listenBacklog = 1024;

		private int eventLoopThreads = Math.max(2, Runtime.getRuntime().availableProcessors());

		private int handlerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());

		private final Set<String> allowedPackages = new LinkedHashSet<>();

		private final List<PayloadCodec> codecs = new ArrayList<>();

		private @Nullable String clusterSecret;

		private Duration retransmitInterval = Duration.ofSeconds(1);

		private int maxOutstandingAcks = 10_000;

		private Duration dedupWindow = Duration.ofMinutes(10);

		private Duration monotonicWindow = Duration.ofSeconds(1);

		private HyParViewOverlay.Settings hyParView = HyParViewOverlay.Settings.defaults();

		private Builder(String name) {
			this.name = name;
		}

		/** The address the server binds and peers dial. Default {@code 127.0.0.1}. */
		public Builder host(String host) {
			this.host = host;
			return this;
		}

		/** The server port; 0 picks a free one at start. Default 10100. */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/** A role tag, e.g. {@code client} or {@code server} for the client-server overlay. */
		public Builder tag(@Nullable String tag) {
			this.tag = tag;
			return this;
		}

		/** The overlay; default full-mesh. */
		public Builder overlay(OverlayFactory overlay) {
			this.overlay = Objects.requireNonNull(overlay, "overlay");
			return this;
		}

		/** The overlay by name: {@code static} or {@code full-mesh}. */
		public Builder overlay(String name) {
			return overlay(Overlays.byName(name));
		}

		/** Nodes to join through (full-mesh) or the fixed members (static). */
		public Builder seeds(List<Node> seeds) {
			this.seeds.clear();
			this.seeds.addAll(seeds);
			return this;
		}

		public Builder seed(Node seed) {
			this.seeds.add(seed);
			return this;
		}

		/**
		 * Lanes of the default channel, and of channels added without a parallelism. More lanes move more
		 * bytes at once on a high-latency link, at the cost of sockets and of ordering only within a lane.
		 * Default 1.
		 */
		public Builder parallelism(int parallelism) {
			if (parallelism < 1) {
				throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
			}
			this.parallelism = parallelism;
			return this;
		}

		/** Adds a named channel with its own lanes to every peer. */
		public Builder channel(String name, int parallelism) {
			return channel(name, parallelism, false);
		}

		/**
		 * Adds a named channel. Compression deflates payloads from the compression threshold up: it saves
		 * bandwidth on compressible data and costs CPU on the sender and receiver.
		 */
		public Builder channel(String name, int parallelism, boolean compression) {
			return channel(new ChannelSpec(name, parallelism, compression));
		}

		/**
		 * Adds a channel with every option: {@code ack} acknowledges and retransmits every message on it;
		 * {@code monotonic} lets a newer message for the same destination and key replace an older one
		 * still queued (for state that only the latest value of matters, such as gossip of a CRDT).
		 */
		public Builder channel(ChannelSpec spec) {
			if (ChannelSpec.CONTROL.equals(spec.name()) || ChannelSpec.IDENTIFY.equals(spec.name())) {
				throw new IllegalArgumentException("'" + spec.name() + "' is an internal channel's name");
			}
			if (ForwardOptions.DEFAULT_CHANNEL.equals(spec.name())) {
				this.parallelism = spec.parallelism();
			}
			this.channels.put(spec.name(), spec);
			return this;
		}

		/**
		 * HyParView's parameters for the peer-to-peer overlay: view sizes (active 6, passive 30), random walk
		 * lengths (6 and 3), shuffle period (10 s) and sample sizes (3 and 4) — the Erlang original's
		 * defaults. A larger active view tolerates more simultaneous failures at the cost of connections.
		 */
		public Builder hyParView(HyParViewOverlay.Settings settings) {
			this.hyParView = Objects.requireNonNull(settings, "settings");
			return this;
		}

		/** How long an unacknowledged message waits before it is sent again. Default 1 s. */
		public Builder retransmitInterval(Duration interval) {
			this.retransmitInterval = interval;
			return this;
		}

		/**
		 * Acknowledged messages to one peer that may await acknowledgement at once; past it, sends fail with
		 * OutstandingLimitException. Default 10,000.
		 */
		public Builder maxOutstandingAcks(int limit) {
			this.maxOutstandingAcks = limit;
			return this;
		}

		/**
		 * How long a receiver remembers accepted acknowledged messages to drop their duplicates: longer than
		 * any acknowledgement can be lost for. Default 10 min.
		 */
		public Builder dedupWindow(Duration window) {
			this.dedupWindow = window;
			return this;
		}

		/** On monotonic channels, at least one message per destination and key goes out per window. Default 1 s. */
		public Builder monotonicWindow(Duration window) {
			this.monotonicWindow = window;
			return this;
		}

		/**
		 * Without a partition key, choose the lane by (sender, destination) so each sender's messages stay in
		 * order and fast senders don't queue behind slow ones; off means round robin. Default on.
		 */
		public Builder affinity(boolean affinity) {
			this.affinity = affinity;
			return this;
		}

		/** How often heartbeats go out on the control channel. Default 1 s. */
		public Builder heartbeatInterval(Duration interval) {
			this.heartbeatInterval = interval;
			return this;
		}

		/**
		 * Silence after which a member is down. Shorter detects crashes sooner and risks calling a busy node
		 * down. At least twice the heartbeat interval. Default 5 s.
		 */
		public Builder failureTimeout(Duration timeout) {
			this.failureTimeout = timeout;
			return this;
		}

		/** How often full-mesh members push their membership to each other (anti-entropy). Default 10 s. */
		public Builder gossipInterval(Duration interval) {
			this.gossipInterval = interval;
			return this;
		}

		/** How long {@code join} waits for the seed to answer. Default 10 s. */
		public Builder joinTimeout(Duration timeout) {
			this.joinTimeout = timeout;
			return this;
		}

		/**
		 * The largest frame sent or accepted, in bytes; a larger send fails at once and a larger incoming
		 * frame closes its connection. It bounds the memory one connection can make a node buffer. Default
		 * 64 MiB.
		 */
		public Builder maxFrameSize(int bytes) {
			this.maxFrameSize = bytes;
			return this;
		}

		/** Payload size from which compressing channels deflate. Default 64 KiB. */
		public Builder compressionThreshold(int bytes) {
			this.compressionThreshold = bytes;
			return this;
		}

		/** How long one connection attempt may take. Default 5 s. */
		public Builder connectTimeout(Duration timeout) {
			this.connectTimeout = timeout;
			return this;
		}

		/** Back-off after failed connection attempts, doubling from min to max, with jitter. 200 ms to 5 s. */
		public Builder reconnectBackoff(Duration min, Duration max) {
			this.reconnectMin = min;
			this.reconnectMax = max;
			return this;
		}

		/**
		 * New connections to one peer are opened at most {@code perRefresh} every {@code interval}, so a node
		 * joining a large cluster does not get N × channels × lanes connection attempts at once (its LISTEN
		 * queue would overflow). Higher is faster to connect fully. Default 1 per 100 ms.
		 */
		public Builder connectionRefresh(Duration interval, int perRefresh) {
			this.connectionRefreshInterval = interval;
			this.connectionsPerRefresh = perRefresh;
			return this;
		}

		/**
		 * Bounds of each lane's outbound queue; past either, a send fails with a QueueFullException and is
		 * counted as dropped. Defaults 100,000 messages and 256 MiB.
		 */
		public Builder maxQueued(int messages, long bytes) {
			this.maxQueuedMessages = messages;
			this.maxQueuedBytes = bytes;
			return this;
		}

		/**
		 * Messages a handler's mailbox holds; at the bound the connection (or broker queue) a message came
		 * from is paused until the mailbox drains to half, and messages from other sources are dropped and
		 * counted. Default 100,000.
		 */
		public Builder mailboxCapacity(int capacity) {
			this.mailboxCapacity = capacity;
			return this;
		}

		/** The server's accept backlog. Default 1024. */
		public Builder listenBacklog(int backlog) {
			this.listenBacklog = backlog;
			return this;
		}

		/** Netty event-loop threads. Default max(2, cores). */
		public Builder eventLoopThreads(int threads) {
			this.eventLoopThreads = threads;
			return this;
		}

		/** Threads that run handlers (one handler runs on one thread at a time). Default max(2, cores). */
		public Builder handlerThreads(int threads) {
			this.handlerThreads = threads;
			return this;
		}

		/**
		 * Packages whose classes the object codec may instantiate from the wire, besides handler payload
		 * types. Keep it to your message packages: every allowed class is a deserialization target.
		 */
		public Builder allowPackage(String packageName) {
			TypeAllowList.checkedPrefix(packageName);
			this.allowedPackages.add(packageName);
			return this;
		}

		/** A payload codec tried before the built-in ones (ids from 16 up). */
		public Builder codec(PayloadCodec codec) {
			this.codecs.add(codec);
			return this;
		}

		/**
		 * A secret every node of the cluster shares: each connection proves it in its hello (HMAC-SHA256)
		 * and a peer without it is refused. It authenticates peers; it does not encrypt traffic.
		 */
		public Builder clusterSecret(@Nullable String secret) {
			this.clusterSecret = secret;
			return this;
		}

		public PartisanConfig build() {
			return new PartisanConfig(this);
		}

	}

}
