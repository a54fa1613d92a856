package dev.partisan.transport;

import java.time.Duration;
import java.util.List;

import dev.partisan.api.ForwardOptions;
import dev.partisan.config.TransportOptions;
import org.jspecify.annotations.Nullable;

/**
 * What a transport is started with: the channels, the transport settings group and the
 * one delivery setting the lanes apply (the monotonic window). The accessors below read
 * through to the group, so a transport setting is declared once, in
 * {@link TransportOptions}, and transports read it from here without a copy of their own.
 *
 * @param channels the application channels, the default channel included
 * @param options the transport settings; see
 * {@code dev.partisan.runtime.PartisanConfig.Builder} for what each value trades
 * @param monotonicWindow on monotonic channels, the period in which at least one message
 * per key goes out
 * @param tls TLS on every connection, or {@code null} for plain TCP
 */
public record TransportSettings(List<ChannelSpec> channels, TransportOptions options, Duration monotonicWindow,
		@Nullable Tls tls) {

	/** Settings for plain TCP. */
	public TransportSettings(List<ChannelSpec> channels, TransportOptions options, Duration monotonicWindow) {
		this(channels, options, monotonicWindow, null);
	}

	public TransportSettings {
		channels = List.copyOf(channels);
		if (channels.stream().noneMatch((c) -> c.name().equals(ForwardOptions.DEFAULT_CHANNEL))) {
			throw new IllegalArgumentException("The channels must include the default channel");
		}
	}

	/**
	 * Whether lanes are chosen by sender and destination when no partition key is given.
	 */
	public boolean affinity() {
		return this.options.affinity();
	}

	/** The largest frame, in bytes, sent or accepted. */
	public int maxFrameSize() {
		return this.options.maxFrameSize();
	}

	/** The payload size from which compressing channels deflate. */
	public int compressionThreshold() {
		return this.options.compressionThreshold();
	}

	/** How long one connection attempt may take. */
	public Duration connectTimeout() {
		return this.options.connectTimeout();
	}

	/** The first back-off after a failed attempt. */
	public Duration reconnectMin() {
		return this.options.reconnectMin();
	}

	/** The largest back-off. */
	public Duration reconnectMax() {
		return this.options.reconnectMax();
	}

	/** How often new connections are opened. */
	public Duration refreshInterval() {
		return this.options.connectionRefreshInterval();
	}

	/** How many new connections to one peer each refresh may open. */
	public int connectionsPerRefresh() {
		return this.options.connectionsPerRefresh();
	}

	/** The bound of one lane's queue, in messages. */
	public int maxQueuedMessages() {
		return this.options.maxQueuedMessages();
	}

	/** The bound of one lane's queue, in bytes. */
	public long maxQueuedBytes() {
		return this.options.maxQueuedBytes();
	}

	/** The server's accept backlog. */
	public int listenBacklog() {
		return this.options.listenBacklog();
	}

	/**
	 * The number of Netty event-loop threads to start (0 in the settings resolves to
	 * max(2, cores)).
	 */
	public int eventLoopThreads() {
		return this.options.eventLoopThreadCount();
	}

	/** The shared secret that every hello must prove, or {@code null}. */
	public @Nullable String clusterSecret() {
		return this.options.clusterSecret();
	}

}
