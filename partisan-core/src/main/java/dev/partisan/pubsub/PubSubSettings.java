package dev.partisan.pubsub;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How the pub-sub overlay uses its broker.
 *
 * @param exchangePrefix the prefix of every exchange and queue name, so several clusters can share one
 * broker: {@code <prefix>.membership} (fanout), {@code <prefix>.direct} and {@code <prefix>.<node>.*}
 * queues
 * @param announceInterval how often each node announces itself on the membership exchange; {@code null}
 * uses the node's heartbeat interval
 * @param queueExpiry how long a node's queues outlive its last consumer: a node restarted within this
 * grace period receives what was addressed to it meanwhile, and a node that never comes back leaves
 * nothing on the broker after it
 * @param maxQueueLength the most messages one of a node's queues holds while nobody consumes it; beyond
 * it the broker drops the oldest, so a dead node cannot fill the broker
 * @param prefetch how many unacknowledged deliveries the broker pushes to each consumer ahead of time
 */
public record PubSubSettings(String exchangePrefix, @Nullable Duration announceInterval, Duration queueExpiry,
		int maxQueueLength, int prefetch) {

	public PubSubSettings {
		Objects.requireNonNull(exchangePrefix, "exchangePrefix");
		if (exchangePrefix.isBlank() || exchangePrefix.length() > 100) {
			throw new IllegalArgumentException("The exchange prefix must have 1 to 100 characters");
		}
		if (announceInterval != null && (announceInterval.isNegative() || announceInterval.isZero())) {
			throw new IllegalArgumentException("The announce interval must be positive");
		}
		if (queueExpiry.toMillis() < 1000 || queueExpiry.toMillis() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("The queue expiry must be between 1s and 24 days");
		}
		if (maxQueueLength < 1) {
			throw new IllegalArgumentException("The maximum queue length must be at least 1");
		}
		if (prefetch < 1 || prefetch > 65535) {
			throw new IllegalArgumentException("The prefetch must be between 1 and 65535");
		}
	}

	/** Prefix {@code partisan}, heartbeat-paced announcements, 5-minute queue expiry, 100,000 messages. */
	public static PubSubSettings defaults() {
		return new PubSubSettings("partisan", null, Duration.ofMinutes(5), 100_000, 250);
	}

	public PubSubSettings withExchangePrefix(String prefix) {
		return new PubSubSettings(prefix, this.announceInterval, this.queueExpiry, this.maxQueueLength, this.prefetch);
	}

}
