package dev.partisan.transport;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How the transport behaves; see {@code dev.partisan.runtime.PartisanConfig} for what each value trades.
 *
 * @param channels the application channels, the default channel included
 * @param affinity whether lanes are chosen by sender and destination when no partition key is given
 * @param maxFrameSize the largest frame, in bytes, sent or accepted
 * @param compressionThreshold the payload size from which compressing channels deflate
 * @param connectTimeout how long one connection attempt may take
 * @param reconnectMin the first back-off after a failed attempt
 * @param reconnectMax the largest back-off
 * @param refreshInterval how often new connections are opened
 * @param connectionsPerRefresh how many new connections to one peer each refresh may open
 * @param maxQueuedMessages the bound of one lane's queue, in messages
 * @param maxQueuedBytes the bound of one lane's queue, in bytes
 * @param listenBacklog the server's accept backlog
 * @param eventLoopThreads the number of Netty event-loop threads
 * @param clusterSecret the shared secret that every hello must prove, or {@code null}
 * @param monotonicWindow on monotonic channels, the period in which at least one message per key goes out
 */
public record TransportSettings(List<ChannelSpec> channels, boolean affinity, int maxFrameSize,
		int compressionThreshold, Duration connectTimeout, Duration reconnectMin, Duration reconnectMax,
		Duration refreshInterval, int connectionsPerRefresh, int maxQueuedMessages, long maxQueuedBytes,
		int listenBacklog, int eventLoopThreads, @Nullable String clusterSecret, Duration monotonicWindow) {

	public TransportSettings {
		channels = List.copyOf(channels);
		if (channels.stream().noneMatch((c) -> c.name().equals(dev.partisan.api.ForwardOptions.DEFAULT_CHANNEL))) {
			throw new IllegalArgumentException("The channels must include the default channel");
		}
	}

}
