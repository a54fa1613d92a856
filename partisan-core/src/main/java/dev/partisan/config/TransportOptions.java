package dev.partisan.config;

import java.time.Duration;

import dev.partisan.api.InvalidSettingException;
import org.jspecify.annotations.Nullable;

/**
 * How the node's connections behave: lanes, frame and queue bounds, connection pacing and
 * the shared secret. What each value trades is on its builder setter in
 * {@code PartisanConfig.Builder}.
 *
 * @param parallelism lanes of the default channel, and of channels added without their
 * own
 * @param affinity whether, without a partition key, the lane is chosen by sender and
 * destination (round robin otherwise)
 * @param maxFrameSize the largest frame, in bytes, sent or accepted
 * @param compressionThreshold the payload size, in bytes, from which compressing channels
 * deflate
 * @param connectTimeout how long one connection attempt may take
 * @param reconnectMin the first back-off after a failed attempt; it doubles up to
 * {@code reconnectMax}
 * @param reconnectMax the largest back-off
 * @param connectionRefreshInterval how often new connections to a peer are opened
 * @param connectionsPerRefresh how many new connections to one peer each refresh may open
 * @param maxQueuedMessages the bound of one lane's outbound queue, in messages
 * @param maxQueuedBytes the bound of one lane's outbound queue, in bytes
 * @param listenBacklog the server's accept backlog
 * @param eventLoopThreads Netty event-loop threads; 0 means max(2, cores)
 * @param clusterSecret the secret every connection's hello must prove, or {@code null}
 * for none
 */
@SettingGroup("")
public record TransportOptions(int parallelism, boolean affinity, int maxFrameSize, int compressionThreshold,
		Duration connectTimeout, Duration reconnectMin, Duration reconnectMax, Duration connectionRefreshInterval,
		int connectionsPerRefresh, int maxQueuedMessages, long maxQueuedBytes, int listenBacklog, int eventLoopThreads,
		@Nullable String clusterSecret) {

	/**
	 * One lane with affinity, 64 MiB frames, compression from 64 KiB, 5 s connect
	 * timeout, back-off from 200 ms to 5 s, one new connection per peer every 100 ms,
	 * lane queues of 100,000 messages or 256 MiB, a backlog of 1024, an event-loop thread
	 * per core, no secret.
	 */
	public static final TransportOptions DEFAULTS = new TransportOptions(1, true, 64 * 1024 * 1024, 64 * 1024,
			Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMillis(100), 1, 100_000,
			256L * 1024 * 1024, 1024, 0, null);

	public TransportOptions {
		Check.atLeast("parallelism", parallelism, 1);
		Check.atLeast("max-frame-size", maxFrameSize, 1024);
		Check.atLeast("compression-threshold", compressionThreshold, 0);
		Check.positive("connect-timeout", connectTimeout);
		Check.positive("reconnect-min", reconnectMin);
		Check.positive("reconnect-max", reconnectMax);
		Check.that(reconnectMax.compareTo(reconnectMin) >= 0, "reconnect-max", reconnectMax,
				"at least reconnect-min (" + InvalidSettingException.display(reconnectMin) + ")");
		Check.positive("connection-refresh-interval", connectionRefreshInterval);
		Check.atLeast("connections-per-refresh", connectionsPerRefresh, 1);
		Check.atLeast("max-queued-messages", maxQueuedMessages, 1);
		Check.atLeast("max-queued-bytes", maxQueuedBytes, 1);
		Check.atLeast("listen-backlog", listenBacklog, 1);
		Check.threads("event-loop-threads", eventLoopThreads);
	}

	/**
	 * The event-loop threads to start: {@link #eventLoopThreads()}, or max(2, cores) for
	 * 0.
	 */
	public int eventLoopThreadCount() {
		return Check.resolveThreads(this.eventLoopThreads);
	}

	public static Builder builder() {
		return new Builder(DEFAULTS);
	}

	public Builder toBuilder() {
		return new Builder(this);
	}

	/** Collects values; checks them, together, only when built. */
	public static final class Builder {

		private int parallelism;

		private boolean affinity;

		private int maxFrameSize;

		private int compressionThreshold;

		private Duration connectTimeout;

		private Duration reconnectMin;

		private Duration reconnectMax;

		private Duration connectionRefreshInterval;

		private int connectionsPerRefresh;

		private int maxQueuedMessages;

		private long maxQueuedBytes;

		private int listenBacklog;

		private int eventLoopThreads;

		private @Nullable String clusterSecret;

		private Builder(TransportOptions from) {
			this.parallelism = from.parallelism;
			this.affinity = from.affinity;
			this.maxFrameSize = from.maxFrameSize;
			this.compressionThreshold = from.compressionThreshold;
			this.connectTimeout = from.connectTimeout;
			this.reconnectMin = from.reconnectMin;
			this.reconnectMax = from.reconnectMax;
			this.connectionRefreshInterval = from.connectionRefreshInterval;
			this.connectionsPerRefresh = from.connectionsPerRefresh;
			this.maxQueuedMessages = from.maxQueuedMessages;
			this.maxQueuedBytes = from.maxQueuedBytes;
			this.listenBacklog = from.listenBacklog;
			this.eventLoopThreads = from.eventLoopThreads;
			this.clusterSecret = from.clusterSecret;
		}

		public Builder parallelism(int parallelism) {
			this.parallelism = parallelism;
			return this;
		}

		public Builder affinity(boolean affinity) {
			this.affinity = affinity;
			return this;
		}

		public Builder maxFrameSize(int bytes) {
			this.maxFrameSize = bytes;
			return this;
		}

		public Builder compressionThreshold(int bytes) {
			this.compressionThreshold = bytes;
			return this;
		}

		public Builder connectTimeout(Duration timeout) {
			this.connectTimeout = timeout;
			return this;
		}

		public Builder reconnectMin(Duration min) {
			this.reconnectMin = min;
			return this;
		}

		public Builder reconnectMax(Duration max) {
			this.reconnectMax = max;
			return this;
		}

		public Builder connectionRefreshInterval(Duration interval) {
			this.connectionRefreshInterval = interval;
			return this;
		}

		public Builder connectionsPerRefresh(int connections) {
			this.connectionsPerRefresh = connections;
			return this;
		}

		public Builder maxQueuedMessages(int messages) {
			this.maxQueuedMessages = messages;
			return this;
		}

		public Builder maxQueuedBytes(long bytes) {
			this.maxQueuedBytes = bytes;
			return this;
		}

		public Builder listenBacklog(int backlog) {
			this.listenBacklog = backlog;
			return this;
		}

		public Builder eventLoopThreads(int threads) {
			this.eventLoopThreads = threads;
			return this;
		}

		public Builder clusterSecret(@Nullable String secret) {
			this.clusterSecret = secret;
			return this;
		}

		public TransportOptions build() {
			return new TransportOptions(this.parallelism, this.affinity, this.maxFrameSize, this.compressionThreshold,
					this.connectTimeout, this.reconnectMin, this.reconnectMax, this.connectionRefreshInterval,
					this.connectionsPerRefresh, this.maxQueuedMessages, this.maxQueuedBytes, this.listenBacklog,
					this.eventLoopThreads, this.clusterSecret);
		}

	}

}
