package dev.partisan.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.partisan.transport.LanePlacement;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the Partisan node, under {@code partisan.*}. The defaults run a single
 * full-mesh node on 127.0.0.1:10100 with no external service.
 */
@ConfigurationProperties("partisan")
public class PartisanProperties {

	/**
	 * Whether to create and start a Partisan node.
	 */
	@SpringOnly("whether the auto-configuration creates a node at all")
	private boolean enabled = true;

	private final NodeSettings node = new NodeSettings();

	/**
	 * Overlay: 'static', 'full-mesh', 'client-server' (needs partisan.node.tag client or
	 * server), 'peer-to-peer' (HyParView, see partisan.hyparview.*), 'pubsub' (through
	 * the RabbitMQ broker of spring.rabbitmq.*, see partisan.pubsub.*), or the name of an
	 * OverlayFactory bean.
	 */
	@SpringOnly("core takes an OverlayFactory; the name selects a built-in one or a bean")
	private String overlay = "full-mesh";

	/**
	 * Whether a @PartisanChannel handler on a channel that is not configured fails
	 * start-up. False accepts it with a warning and its traffic travels on the default
	 * channel: for profiles that deliberately configure fewer channels, such as a
	 * one-connection baseline.
	 */
	@SpringOnly("read by the @PartisanChannel handler registrar")
	private boolean strictChannels = true;

	public boolean isStrictChannels() {
		return this.strictChannels;
	}

	public void setStrictChannels(boolean strictChannels) {
		this.strictChannels = strictChannels;
	}

	/**
	 * Nodes to join through (full-mesh), or the fixed members (static), as
	 * name@host:port.
	 */
	@SpringOnly("an input with nothing to default: core starts with no seeds")
	private List<String> seeds = new ArrayList<>();

	/**
	 * Lanes (parallel connections) per peer of the default channel and of channels
	 * without their own setting. More lanes move more bytes at once on a long, fat link;
	 * order holds only within a lane.
	 */
	private int parallelism = 1;

	/**
	 * Without a partition key, pick the lane by (sender, destination) so each sender's
	 * messages stay in order and fast senders don't queue behind slow ones; false uses
	 * the lanes round robin.
	 */
	private boolean affinity = true;

	/**
	 * Named channels: separate connections per kind of traffic, e.g. vnode, gossip,
	 * metadata.
	 */
	@SpringOnly("an input with nothing to default; each becomes a core ChannelSpec")
	private Map<String, Channel> channels = new LinkedHashMap<>();

	/**
	 * How often heartbeats go out on the control channel.
	 */
	private Duration heartbeatInterval = Duration.ofSeconds(1);

	/**
	 * Silence after which a member is down. Silence is checked at every heartbeat, so a
	 * silent member is reported down between failure-timeout and failure-timeout plus one
	 * heartbeat interval after it was last heard. Shorter detects crashes sooner and
	 * risks calling a busy node down; at least twice the heartbeat interval.
	 */
	private Duration failureTimeout = Duration.ofSeconds(5);

	/**
	 * How often full-mesh members push their membership to each other (changes are pushed
	 * at once).
	 */
	private Duration gossipInterval = Duration.ofSeconds(10);

	/**
	 * How long one join attempt waits for its seed.
	 */
	private Duration joinTimeout = Duration.ofSeconds(10);

	/**
	 * Pause between background attempts to join a seed that could not be reached. An
	 * unreachable seed never fails start-up.
	 */
	@SpringOnly("read by PartisanLifecycle, which retries joins in the background")
	private Duration joinRetryInterval = Duration.ofSeconds(5);

	/**
	 * Whether to leave the cluster gracefully when the application stops; if false, peers
	 * see the node go down instead.
	 */
	@SpringOnly("read by PartisanLifecycle on stop")
	private boolean leaveOnShutdown = true;

	/**
	 * Whether a running node keeps the JVM alive (with a non-daemon thread from start to
	 * stop), so an application without a web server serves until it is stopped. False
	 * leaves that to the application (e.g. spring.main.keep-alive or a web server).
	 */
	@SpringOnly("read by PartisanLifecycle; core's threads are daemons by design")
	private boolean keepAlive = true;

	/**
	 * Largest frame sent or accepted. A larger send fails at once; a larger incoming
	 * frame closes its connection. Bounds what one connection can make the node buffer.
	 */
	private DataSize maxFrameSize = DataSize.ofMegabytes(64);

	/**
	 * Payload size from which channels with compression deflate.
	 */
	private DataSize compressionThreshold = DataSize.ofKilobytes(64);

	/**
	 * How long one connection attempt may take.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * First back-off after a failed connection attempt; it doubles up to reconnect-max,
	 * with jitter.
	 */
	private Duration reconnectMin = Duration.ofMillis(200);

	/**
	 * Largest back-off between connection attempts.
	 */
	private Duration reconnectMax = Duration.ofSeconds(5);

	/**
	 * Pace of new connections: at most connections-per-refresh new connections to one
	 * peer per interval, so a node joining a large cluster does not overflow its LISTEN
	 * queue.
	 */
	private Duration connectionRefreshInterval = Duration.ofMillis(100);

	/**
	 * New connections to one peer opened per refresh interval.
	 */
	private int connectionsPerRefresh = 1;

	/**
	 * Bound of each lane's outbound queue in messages; past it sends fail and count as
	 * dropped.
	 */
	private int maxQueuedMessages = 100_000;

	/**
	 * Bound of each lane's outbound queue in bytes.
	 */
	private DataSize maxQueuedBytes = DataSize.ofMegabytes(256);

	/**
	 * Accept backlog of the node's server: connection attempts the OS queues before they
	 * are accepted.
	 */
	private int listenBacklog = 1024;

	/**
	 * Messages a handler's mailbox holds. At the bound, the connection (or broker queue)
	 * a message came from stops being read until the mailbox drains to half
	 * (back-pressure on the sender); messages from other sources are dropped and counted.
	 */
	private int mailboxCapacity = 100_000;

	/**
	 * Netty event-loop threads; 0 means max(2, cores).
	 */
	private int eventLoopThreads = 0;

	/**
	 * Threads that run handlers (each handler runs on one at a time); 0 means max(2,
	 * cores).
	 */
	private int handlerThreads = 0;

	/**
	 * Whether a call or send to a node this node has seen go down (and not come back up),
	 * with no other route to it, fails at once with NodeDownException instead of being
	 * queued (a call would otherwise wait for its timeout). Messages to a crashed node
	 * are then not kept for a node that later takes its name.
	 */
	private boolean failFastToDownNodes = true;

	/**
	 * Packages whose classes may be decoded from the wire besides handler parameter
	 * types. Keep it to your message packages: every allowed class is a deserialization
	 * target.
	 */
	@SpringOnly("an input with nothing to default: core allows no package until told")
	private List<String> allowedPackages = new ArrayList<>();

	/**
	 * Shared secret every connection must prove (HMAC-SHA256 in its hello); peers without
	 * it are refused. Authenticates peers; does not encrypt traffic.
	 */
	private @Nullable String clusterSecret;

	/**
	 * Default timeout of PartisanTemplate calls.
	 */
	@SpringOnly("read by PartisanTemplate")
	private Duration callTimeout = Duration.ofSeconds(5);

	/**
	 * How long an acknowledged message waits for its acknowledgement before it is sent
	 * again.
	 */
	private Duration retransmitInterval = Duration.ofSeconds(1);

	/**
	 * Acknowledged messages to one peer that may await acknowledgement at once; past it
	 * sends fail.
	 */
	private int maxOutstandingAcks = 10_000;

	/**
	 * How long a receiver remembers accepted acknowledged messages to drop their
	 * duplicates.
	 */
	private Duration dedupWindow = Duration.ofMinutes(10);

	/**
	 * On monotonic channels, at least one message per destination and key goes out per
	 * window.
	 */
	private Duration monotonicWindow = Duration.ofSeconds(1);

	@SpringOnly("read by PartisanLifecycle's seed discovery")
	private final Discovery discovery = new Discovery();

	private final HyParView hyparview = new HyParView();

	private final PubSub pubsub = new PubSub();

	@SpringOnly("core takes a Tls object; Spring builds it from a Spring Boot SSL bundle")
	private final Security security = new Security();

	@SpringOnly("core takes an ObservationRegistry, none by default; Spring passes the application's")
	private final Observations observations = new Observations();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public NodeSettings getNode() {
		return this.node;
	}

	public String getOverlay() {
		return this.overlay;
	}

	public void setOverlay(String overlay) {
		this.overlay = overlay;
	}

	public List<String> getSeeds() {
		return this.seeds;
	}

	public void setSeeds(List<String> seeds) {
		this.seeds = seeds;
	}

	public int getParallelism() {
		return this.parallelism;
	}

	public void setParallelism(int parallelism) {
		this.parallelism = parallelism;
	}

	public boolean isAffinity() {
		return this.affinity;
	}

	public void setAffinity(boolean affinity) {
		this.affinity = affinity;
	}

	public Map<String, Channel> getChannels() {
		return this.channels;
	}

	public void setChannels(Map<String, Channel> channels) {
		this.channels = channels;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public Duration getFailureTimeout() {
		return this.failureTimeout;
	}

	public void setFailureTimeout(Duration failureTimeout) {
		this.failureTimeout = failureTimeout;
	}

	public Duration getGossipInterval() {
		return this.gossipInterval;
	}

	public void setGossipInterval(Duration gossipInterval) {
		this.gossipInterval = gossipInterval;
	}

	public Duration getJoinTimeout() {
		return this.joinTimeout;
	}

	public void setJoinTimeout(Duration joinTimeout) {
		this.joinTimeout = joinTimeout;
	}

	public Duration getJoinRetryInterval() {
		return this.joinRetryInterval;
	}

	public void setJoinRetryInterval(Duration joinRetryInterval) {
		this.joinRetryInterval = joinRetryInterval;
	}

	public boolean isKeepAlive() {
		return this.keepAlive;
	}

	public void setKeepAlive(boolean keepAlive) {
		this.keepAlive = keepAlive;
	}

	public boolean isLeaveOnShutdown() {
		return this.leaveOnShutdown;
	}

	public void setLeaveOnShutdown(boolean leaveOnShutdown) {
		this.leaveOnShutdown = leaveOnShutdown;
	}

	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public DataSize getCompressionThreshold() {
		return this.compressionThreshold;
	}

	public void setCompressionThreshold(DataSize compressionThreshold) {
		this.compressionThreshold = compressionThreshold;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getReconnectMin() {
		return this.reconnectMin;
	}

	public void setReconnectMin(Duration reconnectMin) {
		this.reconnectMin = reconnectMin;
	}

	public Duration getReconnectMax() {
		return this.reconnectMax;
	}

	public void setReconnectMax(Duration reconnectMax) {
		this.reconnectMax = reconnectMax;
	}

	public Duration getConnectionRefreshInterval() {
		return this.connectionRefreshInterval;
	}

	public void setConnectionRefreshInterval(Duration connectionRefreshInterval) {
		this.connectionRefreshInterval = connectionRefreshInterval;
	}

	public int getConnectionsPerRefresh() {
		return this.connectionsPerRefresh;
	}

	public void setConnectionsPerRefresh(int connectionsPerRefresh) {
		this.connectionsPerRefresh = connectionsPerRefresh;
	}

	public int getMaxQueuedMessages() {
		return this.maxQueuedMessages;
	}

	public void setMaxQueuedMessages(int maxQueuedMessages) {
		this.maxQueuedMessages = maxQueuedMessages;
	}

	public DataSize getMaxQueuedBytes() {
		return this.maxQueuedBytes;
	}

	public void setMaxQueuedBytes(DataSize maxQueuedBytes) {
		this.maxQueuedBytes = maxQueuedBytes;
	}

	public int getMailboxCapacity() {
		return this.mailboxCapacity;
	}

	public void setMailboxCapacity(int mailboxCapacity) {
		this.mailboxCapacity = mailboxCapacity;
	}

	public int getEventLoopThreads() {
		return this.eventLoopThreads;
	}

	public void setEventLoopThreads(int eventLoopThreads) {
		this.eventLoopThreads = eventLoopThreads;
	}

	public int getHandlerThreads() {
		return this.handlerThreads;
	}

	public void setHandlerThreads(int handlerThreads) {
		this.handlerThreads = handlerThreads;
	}

	public boolean isFailFastToDownNodes() {
		return this.failFastToDownNodes;
	}

	public void setFailFastToDownNodes(boolean failFastToDownNodes) {
		this.failFastToDownNodes = failFastToDownNodes;
	}

	public List<String> getAllowedPackages() {
		return this.allowedPackages;
	}

	public void setAllowedPackages(List<String> allowedPackages) {
		this.allowedPackages = allowedPackages;
	}

	public @Nullable String getClusterSecret() {
		return this.clusterSecret;
	}

	public void setClusterSecret(@Nullable String clusterSecret) {
		this.clusterSecret = clusterSecret;
	}

	public Duration getCallTimeout() {
		return this.callTimeout;
	}

	public void setCallTimeout(Duration callTimeout) {
		this.callTimeout = callTimeout;
	}

	public Discovery getDiscovery() {
		return this.discovery;
	}

	public HyParView getHyparview() {
		return this.hyparview;
	}

	public Security getSecurity() {
		return this.security;
	}

	public Observations getObservations() {
		return this.observations;
	}

	public PubSub getPubsub() {
		return this.pubsub;
	}

	public int getListenBacklog() {
		return this.listenBacklog;
	}

	public void setListenBacklog(int listenBacklog) {
		this.listenBacklog = listenBacklog;
	}

	public Duration getRetransmitInterval() {
		return this.retransmitInterval;
	}

	public void setRetransmitInterval(Duration retransmitInterval) {
		this.retransmitInterval = retransmitInterval;
	}

	public int getMaxOutstandingAcks() {
		return this.maxOutstandingAcks;
	}

	public void setMaxOutstandingAcks(int maxOutstandingAcks) {
		this.maxOutstandingAcks = maxOutstandingAcks;
	}

	public Duration getDedupWindow() {
		return this.dedupWindow;
	}

	public void setDedupWindow(Duration dedupWindow) {
		this.dedupWindow = dedupWindow;
	}

	public Duration getMonotonicWindow() {
		return this.monotonicWindow;
	}

	public void setMonotonicWindow(Duration monotonicWindow) {
		this.monotonicWindow = monotonicWindow;
	}

	/** This node's identity and address. */
	public static class NodeSettings {

		/**
		 * Node name, unique in the cluster. Defaults to spring.application.name and the
		 * host name ("kv-host1"), else the host name.
		 */
		@SpringOnly("core requires a name; this one falls back to spring.application.name and the host name")
		private @Nullable String name;

		/**
		 * Address the server binds and peers dial.
		 */
		private String host = "127.0.0.1";

		/**
		 * Server port; 0 picks a free one.
		 */
		private int port = 10100;

		/**
		 * Role tag, e.g. 'client' or 'server' for the client-server overlay.
		 */
		private @Nullable String tag;

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public String getHost() {
			return this.host;
		}

		public void setHost(String host) {
			this.host = host;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public @Nullable String getTag() {
			return this.tag;
		}

		public void setTag(@Nullable String tag) {
			this.tag = tag;
		}

	}

	/** A named channel. */
	public static class Channel {

		/**
		 * Lanes of this channel per peer; defaults to partisan.parallelism.
		 */
		private @Nullable Integer parallelism;

		/**
		 * Whether payloads from the compression threshold up are deflated: bandwidth for
		 * CPU.
		 */
		private boolean compression;

		/**
		 * Whether every message on this channel is acknowledged and retransmitted until
		 * it is.
		 */
		private boolean ack;

		/**
		 * Whether a newer message for the same destination and key replaces an older one
		 * still queued (for state of which only the latest value matters).
		 */
		private boolean monotonic;

		/**
		 * How flows (partition keys, or sender and destination) are placed on the lanes:
		 * 'hash' (the papers' rule; stateless, but flows collide) or 'balanced' (a new
		 * flow takes the least-loaded lane and keeps it while active, so k flows on k
		 * lanes get one each).
		 */
		private LanePlacement placement = LanePlacement.HASH;

		public LanePlacement getPlacement() {
			return this.placement;
		}

		public void setPlacement(LanePlacement placement) {
			this.placement = placement;
		}

		public boolean isAck() {
			return this.ack;
		}

		public void setAck(boolean ack) {
			this.ack = ack;
		}

		public boolean isMonotonic() {
			return this.monotonic;
		}

		public void setMonotonic(boolean monotonic) {
			this.monotonic = monotonic;
		}

		public @Nullable Integer getParallelism() {
			return this.parallelism;
		}

		public void setParallelism(@Nullable Integer parallelism) {
			this.parallelism = parallelism;
		}

		public boolean isCompression() {
			return this.compression;
		}

		public void setCompression(boolean compression) {
			this.compression = compression;
		}

	}

	/**
	 * HyParView parameters of the peer-to-peer overlay (the Erlang original's defaults).
	 */
	public static class HyParView {

		/**
		 * Active view size: the peers each node stays connected to. Larger tolerates more
		 * simultaneous failures at the cost of connections and broadcast traffic.
		 */
		private int activeMax = 6;

		/**
		 * Passive view size: the peers each node knows to replace failed active ones.
		 */
		private int passiveMax = 30;

		/**
		 * Active random walk length (ARWL): hops a join travels; longer spreads newcomers
		 * further.
		 */
		private int arwl = 6;

		/**
		 * Passive random walk length (PRWL): at which remaining hop a join also lands in
		 * a passive view.
		 */
		private int prwl = 3;

		/**
		 * How often each node shuffles its passive view with a distant node.
		 */
		private Duration shuffleInterval = Duration.ofSeconds(10);

		/**
		 * Active members a shuffle carries.
		 */
		private int shuffleActive = 3;

		/**
		 * Passive members a shuffle carries.
		 */
		private int shufflePassive = 4;

		/**
		 * How often each node announces itself over the broadcast trees so that others
		 * learn a route to it (forward to nodes outside the active view); 0 turns it off.
		 * Its traffic grows with the square of the cluster size.
		 */
		private Duration routeInterval = Duration.ofSeconds(30);

		public Duration getRouteInterval() {
			return this.routeInterval;
		}

		public void setRouteInterval(Duration routeInterval) {
			this.routeInterval = routeInterval;
		}

		public int getActiveMax() {
			return this.activeMax;
		}

		public void setActiveMax(int activeMax) {
			this.activeMax = activeMax;
		}

		public int getPassiveMax() {
			return this.passiveMax;
		}

		public void setPassiveMax(int passiveMax) {
			this.passiveMax = passiveMax;
		}

		public int getArwl() {
			return this.arwl;
		}

		public void setArwl(int arwl) {
			this.arwl = arwl;
		}

		public int getPrwl() {
			return this.prwl;
		}

		public void setPrwl(int prwl) {
			this.prwl = prwl;
		}

		public Duration getShuffleInterval() {
			return this.shuffleInterval;
		}

		public void setShuffleInterval(Duration shuffleInterval) {
			this.shuffleInterval = shuffleInterval;
		}

		public int getShuffleActive() {
			return this.shuffleActive;
		}

		public void setShuffleActive(int shuffleActive) {
			this.shuffleActive = shuffleActive;
		}

		public int getShufflePassive() {
			return this.shufflePassive;
		}

		public void setShufflePassive(int shufflePassive) {
			this.shufflePassive = shufflePassive;
		}

	}

	/**
	 * The pub-sub overlay's use of the broker (the connection itself is
	 * spring.rabbitmq.*).
	 */
	public static class PubSub {

		/**
		 * Prefix of the overlay's exchanges and queues: <prefix>.membership (fanout),
		 * <prefix>.direct, and <prefix>.<node>.<channel>.<lane> queues. Give each cluster
		 * sharing a broker its own.
		 */
		private String exchange = "partisan";

		/**
		 * How often each node announces itself on the membership exchange; defaults to
		 * partisan.heartbeat-interval. Members are the nodes heard within
		 * partisan.failure-timeout.
		 */
		private @Nullable Duration announceInterval;

		/**
		 * How long a node's queues outlive their consumer. A node restarted within it
		 * receives what was sent to it meanwhile; one that never returns leaves nothing
		 * behind after it.
		 */
		private Duration queueExpiry = Duration.ofMinutes(5);

		/**
		 * Messages one of a node's queues holds while nobody consumes it; beyond it the
		 * broker drops the oldest, so a dead node cannot fill the broker.
		 */
		private int maxQueueLength = 100_000;

		/**
		 * Deliveries the broker pushes to each lane's consumer ahead of processing.
		 * Larger hides broker round trips; smaller bounds what a slow node holds in
		 * memory.
		 */
		private int prefetch = 250;

		public String getExchange() {
			return this.exchange;
		}

		public void setExchange(String exchange) {
			this.exchange = exchange;
		}

		public @Nullable Duration getAnnounceInterval() {
			return this.announceInterval;
		}

		public void setAnnounceInterval(@Nullable Duration announceInterval) {
			this.announceInterval = announceInterval;
		}

		public Duration getQueueExpiry() {
			return this.queueExpiry;
		}

		public void setQueueExpiry(Duration queueExpiry) {
			this.queueExpiry = queueExpiry;
		}

		public int getMaxQueueLength() {
			return this.maxQueueLength;
		}

		public void setMaxQueueLength(int maxQueueLength) {
			this.maxQueueLength = maxQueueLength;
		}

		public int getPrefetch() {
			return this.prefetch;
		}

		public void setPrefetch(int prefetch) {
			this.prefetch = prefetch;
		}

	}

	/** Seed discovery. */
	public static class Discovery {

		private final Dns dns = new Dns();

		public Dns getDns() {
			return this.dns;
		}

	}

	/**
	 * Seeds found by resolving a DNS name (e.g. a Kubernetes headless service) to its A
	 * records.
	 */
	public static class Dns {

		/**
		 * DNS name whose addresses are the seeds, e.g.
		 * partisan.my-namespace.svc.cluster.local.
		 */
		private @Nullable String name;

		/**
		 * Partisan port on every address the name resolves to.
		 */
		private int port = 10100;

		/**
		 * How often the name is resolved again and new addresses are joined.
		 */
		private Duration refreshInterval = Duration.ofSeconds(30);

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	/** Observations of messages through Micrometer's Observation API. */
	public static class Observations {

		/**
		 * Whether every send, call and receive of an application message is observed in
		 * the application's ObservationRegistry, with the trace context carried in the
		 * frames so that a trace continues on the receiving node. Takes effect only when
		 * the application has an ObservationRegistry bean (Spring Boot's actuator makes
		 * one).
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/** Security of the connections between nodes. */
	public static class Security {

		private final Ssl ssl = new Ssl();

		public Ssl getSsl() {
			return this.ssl;
		}

	}

	/** TLS between nodes, from a Spring Boot SSL bundle (spring.ssl.bundle.*). */
	public static class Ssl {

		/**
		 * Name of the SSL bundle whose key and trust material every connection between
		 * nodes uses, in both directions (mutual TLS). None means plain TCP. A bundle
		 * with reload-on-update applies its new material to connections made after the
		 * change.
		 */
		private @Nullable String bundle;

		/**
		 * Whether a node checks that a peer's certificate names the host it dialled. Turn
		 * off only for certificates issued per node rather than per address.
		 */
		private boolean verifyHostname = true;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public boolean isVerifyHostname() {
			return this.verifyHostname;
		}

		public void setVerifyHostname(boolean verifyHostname) {
			this.verifyHostname = verifyHostname;
		}

	}

}
