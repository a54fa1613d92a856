package dev.partisan.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.InvalidSettingException;
import dev.partisan.api.Node;
import dev.partisan.api.NodeId;
import dev.partisan.config.DeliveryOptions;
import dev.partisan.config.FailureDetectionOptions;
import dev.partisan.config.NodeOptions;
import dev.partisan.config.TransportOptions;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.membership.OverlayConfig;
import dev.partisan.membership.OverlayFactory;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.transport.Tls;
import dev.partisan.transport.TransportSettings;
import dev.partisan.wire.PayloadCodec;
import dev.partisan.wire.TypeAllowList;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Everything a node is started with. Immutable; build one with {@link #builder(String)}.
 * Each setter's Javadoc says what the knob trades.
 *
 * <p>
 * The settings themselves live in groups of {@code dev.partisan.config}
 * ({@link #transport()}, {@link #delivery()}, {@link #failureDetection()},
 * {@link #nodeOptions()}) and {@link #hyParView()}: each declares its defaults and checks
 * once, and a bad value fails {@link Builder#build()} with an
 * {@link InvalidSettingException} naming it. The accessors here read through to the
 * groups.
 */
public final class PartisanConfig implements OverlayConfig {

	private final Node node;

	private final NodeOptions nodeOptions;

	private final OverlayFactory overlay;

	private final List<Node> seeds;

	private final Map<String, ChannelSpec> channels;

	private final TransportOptions transport;

	private final DeliveryOptions delivery;

	private final FailureDetectionOptions failureDetection;

	private final HyParViewOverlay.Settings hyParView;

	private final Set<String> allowedPackages;

	private final List<PayloadCodec> codecs;

	private final @Nullable Tls tls;

	private final ObservationRegistry observationRegistry;

	private PartisanConfig(Builder b) {
		this.tls = b.tls;
		this.observationRegistry = b.observationRegistry;
		this.transport = b.transport.build();
		this.delivery = b.delivery.build();
		this.failureDetection = b.failureDetection.build();
		this.hyParView = b.hyParView;
		this.nodeOptions = b.node;
		this.node = new Node(NodeId.of(b.name), b.node.host(), b.node.port(), b.node.tag());
		this.overlay = b.overlay;
		this.seeds = List.copyOf(b.seeds);
		Map<String, ChannelSpec> channels = new LinkedHashMap<>();
		channels.put(ForwardOptions.DEFAULT_CHANNEL,
				new ChannelSpec(ForwardOptions.DEFAULT_CHANNEL, this.transport.parallelism(), false));
		channels.putAll(b.channels);
		this.channels = Collections.unmodifiableMap(channels);
		this.allowedPackages = Set.copyOf(b.allowedPackages);
		this.codecs = List.copyOf(b.codecs);
	}

	/**
	 * A builder for a node called {@code name}, with defaults that run one node on
	 * 127.0.0.1.
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/** The transport settings: lanes, bounds, connection pacing, the cluster secret. */
	public TransportOptions transport() {
		return this.transport;
	}

	/**
	 * The delivery settings: acknowledgements, de-duplication, mailboxes and handler
	 * threads.
	 */
	public DeliveryOptions delivery() {
		return this.delivery;
	}

	/**
	 * The failure detection settings: heartbeats, failure timeout, gossip and join
	 * timeouts.
	 */
	public FailureDetectionOptions failureDetection() {
		return this.failureDetection;
	}

	/** Where the node listens and its role tag, as configured. */
	public NodeOptions nodeOptions() {
		return this.nodeOptions;
	}

	/** The peer-to-peer overlay's HyParView parameters. */
	@Override
	public HyParViewOverlay.Settings hyParView() {
		return this.hyParView;
	}

	@Override
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

	@Override
	public Duration heartbeatInterval() {
		return this.failureDetection.heartbeatInterval();
	}

	public Duration failureTimeout() {
		return this.failureDetection.failureTimeout();
	}

	@Override
	public Duration gossipInterval() {
		return this.failureDetection.gossipInterval();
	}

	public Duration joinTimeout() {
		return this.failureDetection.joinTimeout();
	}

	public int maxFrameSize() {
		return this.transport.maxFrameSize();
	}

	public int compressionThreshold() {
		return this.transport.compressionThreshold();
	}

	public int mailboxCapacity() {
		return this.delivery.mailboxCapacity();
	}

	/**
	 * Whether calls and sends to a node known to be down fail at once with
	 * {@link dev.partisan.api.NodeDownException}.
	 */
	public boolean failFastToDownNodes() {
		return this.delivery.failFastToDownNodes();
	}

	/** The handler threads to start (a configured 0 resolved to max(2, cores)). */
	public int handlerThreads() {
		return this.delivery.handlerThreadCount();
	}

	public Set<String> allowedPackages() {
		return this.allowedPackages;
	}

	public List<PayloadCodec> codecs() {
		return this.codecs;
	}

	public @Nullable String clusterSecret() {
		return this.transport.clusterSecret();
	}

	public boolean affinity() {
		return this.transport.affinity();
	}

	public Duration retransmitInterval() {
		return this.delivery.retransmitInterval();
	}

	public int maxOutstandingAcks() {
		return this.delivery.maxOutstandingAcks();
	}

	public Duration dedupWindow() {
		return this.delivery.dedupWindow();
	}

	public Duration monotonicWindow() {
		return this.delivery.monotonicWindow();
	}

	/** TLS between nodes, or {@code null} for plain TCP. */
	public @Nullable Tls tls() {
		return this.tls;
	}

	/**
	 * Where sends, calls and receives are observed; {@link ObservationRegistry#NOOP} when
	 * they are not.
	 */
	public ObservationRegistry observationRegistry() {
		return this.observationRegistry;
	}

	TransportSettings transportSettings() {
		return new TransportSettings(List.copyOf(this.channels.values()), this.transport,
				this.delivery.monotonicWindow(), this.tls);
	}

	/**
	 * Builds a {@link PartisanConfig}; every value has a default that suits a small local
	 * cluster.
	 */
	public static final class Builder {

		private final String name;

		private NodeOptions node = NodeOptions.DEFAULTS;

		private OverlayFactory overlay = Overlays.fullMesh();

		private final List<Node> seeds = new ArrayList<>();

		private final Map<String, ChannelSpec> channels = new LinkedHashMap<>();

		private final TransportOptions.Builder transport = TransportOptions.builder();

		private final DeliveryOptions.Builder delivery = DeliveryOptions.builder();

		private final FailureDetectionOptions.Builder failureDetection = FailureDetectionOptions.builder();

		private HyParViewOverlay.Settings hyParView = HyParViewOverlay.Settings.DEFAULTS;

		private final Set<String> allowedPackages = new LinkedHashSet<>();

		private final List<PayloadCodec> codecs = new ArrayList<>();

		private @Nullable Tls tls;

		private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

		private Builder(String name) {
			this.name = name;
		}

		/** The address the server binds and peers dial. Default {@code 127.0.0.1}. */
		public Builder host(String host) {
			this.node = this.node.withHost(host);
			return this;
		}

		/** The server port; 0 picks a free one at start. Default 10100. */
		public Builder port(int port) {
			this.node = this.node.withPort(port);
			return this;
		}

		/**
		 * A role tag, e.g. {@code client} or {@code server} for the client-server
		 * overlay.
		 */
		public Builder tag(@Nullable String tag) {
			this.node = this.node.withTag(tag);
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
		 * Lanes of the default channel, and of channels added without a parallelism. More
		 * lanes move more bytes at once on a high-latency link, at the cost of sockets
		 * and of ordering only within a lane. Default 1.
		 */
		public Builder parallelism(int parallelism) {
			this.transport.parallelism(parallelism);
			return this;
		}

		/** Adds a named channel with its own lanes to every peer. */
		public Builder channel(String name, int parallelism) {
			return channel(name, parallelism, false);
		}

		/**
		 * Adds a named channel. Compression deflates payloads from the compression
		 * threshold up: it saves bandwidth on compressible data and costs CPU on the
		 * sender and receiver.
		 */
		public Builder channel(String name, int parallelism, boolean compression) {
			return channel(new ChannelSpec(name, parallelism, compression));
		}

		/**
		 * Adds a channel with every option: {@code ack} acknowledges and retransmits
		 * every message on it; {@code monotonic} lets a newer message for the same
		 * destination and key replace an older one still queued (for state that only the
		 * latest value of matters, such as gossip of a CRDT).
		 */
		public Builder channel(ChannelSpec spec) {
			if (ChannelSpec.CONTROL.equals(spec.name()) || ChannelSpec.IDENTIFY.equals(spec.name())) {
				throw new InvalidSettingException("channels", spec.name(), "a channel name other than the internal '"
						+ ChannelSpec.CONTROL + "' and '" + ChannelSpec.IDENTIFY + "'");
			}
			if (ForwardOptions.DEFAULT_CHANNEL.equals(spec.name())) {
				this.transport.parallelism(spec.parallelism());
			}
			this.channels.put(spec.name(), spec);
			return this;
		}

		/**
		 * HyParView's parameters for the peer-to-peer overlay: view sizes (active 6,
		 * passive 30), random walk lengths (6 and 3), shuffle period (10 s) and sample
		 * sizes (3 and 4) — the Erlang original's defaults. A larger active view
		 * tolerates more simultaneous failures at the cost of connections.
		 */
		public Builder hyParView(HyParViewOverlay.Settings settings) {
			this.hyParView = Objects.requireNonNull(settings, "settings");
			return this;
		}

		/**
		 * How long an unacknowledged message waits before it is sent again. Default 1 s.
		 */
		public Builder retransmitInterval(Duration interval) {
			this.delivery.retransmitInterval(interval);
			return this;
		}

		/**
		 * Acknowledged messages to one peer that may await acknowledgement at once; past
		 * it, sends fail with OutstandingLimitException. Default 10,000.
		 */
		public Builder maxOutstandingAcks(int limit) {
			this.delivery.maxOutstandingAcks(limit);
			return this;
		}

		/**
		 * How long a receiver remembers accepted acknowledged messages to drop their
		 * duplicates: longer than any acknowledgement can be lost for. Default 10 min.
		 */
		public Builder dedupWindow(Duration window) {
			this.delivery.dedupWindow(window);
			return this;
		}

		/**
		 * On monotonic channels, at least one message per destination and key goes out
		 * per window. Default 1 s.
		 */
		public Builder monotonicWindow(Duration window) {
			this.delivery.monotonicWindow(window);
			return this;
		}

		/**
		 * Without a partition key, choose the lane by (sender, destination) so each
		 * sender's messages stay in order and fast senders don't queue behind slow ones;
		 * off means round robin. Default on.
		 */
		public Builder affinity(boolean affinity) {
			this.transport.affinity(affinity);
			return this;
		}

		/** How often heartbeats go out on the control channel. Default 1 s. */
		public Builder heartbeatInterval(Duration interval) {
			this.failureDetection.heartbeatInterval(interval);
			return this;
		}

		/**
		 * Silence after which a member is down. Shorter detects crashes sooner and risks
		 * calling a busy node down. At least twice the heartbeat interval. Default 5 s.
		 */
		public Builder failureTimeout(Duration timeout) {
			this.failureDetection.failureTimeout(timeout);
			return this;
		}

		/**
		 * How often full-mesh members push their membership to each other (anti-entropy).
		 * Default 10 s.
		 */
		public Builder gossipInterval(Duration interval) {
			this.failureDetection.gossipInterval(interval);
			return this;
		}

		/** How long {@code join} waits for the seed to answer. Default 10 s. */
		public Builder joinTimeout(Duration timeout) {
			this.failureDetection.joinTimeout(timeout);
			return this;
		}

		/**
		 * The largest frame sent or accepted, in bytes; a larger send fails at once and a
		 * larger incoming frame closes its connection. It bounds the memory one
		 * connection can make a node buffer. Default 64 MiB.
		 */
		public Builder maxFrameSize(int bytes) {
			this.transport.maxFrameSize(bytes);
			return this;
		}

		/** Payload size from which compressing channels deflate. Default 64 KiB. */
		public Builder compressionThreshold(int bytes) {
			this.transport.compressionThreshold(bytes);
			return this;
		}

		/** How long one connection attempt may take. Default 5 s. */
		public Builder connectTimeout(Duration timeout) {
			this.transport.connectTimeout(timeout);
			return this;
		}

		/**
		 * Back-off after failed connection attempts, doubling from min to max, with
		 * jitter. 200 ms to 5 s.
		 */
		public Builder reconnectBackoff(Duration min, Duration max) {
			this.transport.reconnectMin(min).reconnectMax(max);
			return this;
		}

		/**
		 * New connections to one peer are opened at most {@code perRefresh} every
		 * {@code interval}, so a node joining a large cluster does not get N × channels ×
		 * lanes connection attempts at once (its LISTEN queue would overflow). Higher is
		 * faster to connect fully. Default 1 per 100 ms.
		 */
		public Builder connectionRefresh(Duration interval, int perRefresh) {
			this.transport.connectionRefreshInterval(interval).connectionsPerRefresh(perRefresh);
			return this;
		}

		/**
		 * Bounds of each lane's outbound queue; past either, a send fails with a
		 * QueueFullException and is counted as dropped. Defaults 100,000 messages and 256
		 * MiB.
		 */
		public Builder maxQueued(int messages, long bytes) {
			this.transport.maxQueuedMessages(messages).maxQueuedBytes(bytes);
			return this;
		}

		/**
		 * Messages a handler's mailbox holds; at the bound the connection (or broker
		 * queue) a message came from is paused until the mailbox drains to half, and
		 * messages from other sources are dropped and counted. Default 100,000.
		 */
		public Builder mailboxCapacity(int capacity) {
			this.delivery.mailboxCapacity(capacity);
			return this;
		}

		/** The server's accept backlog. Default 1024. */
		public Builder listenBacklog(int backlog) {
			this.transport.listenBacklog(backlog);
			return this;
		}

		/** Netty event-loop threads; 0, the default, means max(2, cores). */
		public Builder eventLoopThreads(int threads) {
			this.transport.eventLoopThreads(threads);
			return this;
		}

		/**
		 * Threads that run handlers (one handler runs on one thread at a time); 0, the
		 * default, means max(2, cores).
		 */
		public Builder handlerThreads(int threads) {
			this.delivery.handlerThreads(threads);
			return this;
		}

		/**
		 * Whether a call or send to a node this node knows to be down, or that is neither
		 * a member nor reachable, fails at once with
		 * {@link dev.partisan.api.NodeDownException} (default true). Off, such a send is
		 * queued as before (and lost if the node never returns) and a call waits for its
		 * timeout.
		 */
		public Builder failFastToDownNodes(boolean failFast) {
			this.delivery.failFastToDownNodes(failFast);
			return this;
		}

		/**
		 * Packages whose classes the object codec may instantiate from the wire, besides
		 * handler payload types. Keep it to your message packages: every allowed class is
		 * a deserialization target.
		 */
		public Builder allowPackage(String packageName) {
			try {
				TypeAllowList.checkedPrefix(packageName);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidSettingException("allowed-packages", packageName,
						"an application package: JDK and root packages hold gadget types, so allow-list their classes one by one");
			}
			this.allowedPackages.add(packageName);
			return this;
		}

		/** A payload codec tried before the built-in ones (ids from 16 up). */
		public Builder codec(PayloadCodec codec) {
			this.codecs.add(codec);
			return this;
		}

		/**
		 * A secret every node of the cluster shares. Every connection opens with a mutual
		 * challenge-response over it (fresh nonces from both sides, so a recorded
		 * handshake proves nothing later) and, without TLS, each frame after it carries a
		 * MAC under a key of that session. A peer without the secret is refused. It
		 * authenticates peers and protects frames from change; only TLS keeps them from
		 * being read.
		 */
		public Builder clusterSecret(@Nullable String secret) {
			this.transport.clusterSecret(secret);
			return this;
		}

		/**
		 * TLS on every connection between nodes (mutual: both present a certificate).
		 * Default none. The pub-sub overlay relies on the TLS of the broker connection
		 * instead.
		 */
		public Builder tls(@Nullable Tls tls) {
			this.tls = tls;
			return this;
		}

		/**
		 * Observes every send, call and receive of application messages in
		 * {@code registry}, and carries the trace context in the frames. Default
		 * {@link ObservationRegistry#NOOP}: no observations, no trace context, nothing
		 * added to the message path.
		 */
		public Builder observationRegistry(ObservationRegistry registry) {
			this.observationRegistry = Objects.requireNonNull(registry, "registry");
			return this;
		}

		public PartisanConfig build() {
			return new PartisanConfig(this);
		}

	}

}
