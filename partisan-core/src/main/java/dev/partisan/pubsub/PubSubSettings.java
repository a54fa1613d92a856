package dev.partisan.pubsub;

import java.time.Duration;

import dev.partisan.config.Check;
import dev.partisan.config.SettingGroup;
import dev.partisan.config.SettingName;
import org.jspecify.annotations.Nullable;

/**
 * How the pub-sub overlay uses its broker.
 *
 * @param exchangePrefix the prefix of every exchange and queue name, so several clusters
 * can share one broker: {@code <prefix>.membership} (fanout), {@code <prefix>.direct} and
 * {@code <prefix>.<node>.*} queues
 * @param announceInterval how often each node announces itself on the membership
 * exchange; {@code null} uses the node's heartbeat interval
 * @param queueExpiry how long a node's queues outlive its last consumer: a node restarted
 * within this grace period receives what was addressed to it meanwhile, and a node that
 * never comes back leaves nothing on the broker after it
 * @param maxQueueLength the most messages one of a node's queues holds while nobody
 * consumes it; beyond it the broker drops the oldest, so a dead node cannot fill the
 * broker
 * @param prefetch how many unacknowledged deliveries the broker pushes to each consumer
 * ahead of time
 */
@SettingGroup("pubsub")
public record PubSubSettings(@SettingName("exchange") String exchangePrefix, @Nullable Duration announceInterval,
		Duration queueExpiry, int maxQueueLength, int prefetch) {

	/**
	 * Prefix {@code partisan}, heartbeat-paced announcements, 5-minute queue expiry,
	 * 100,000 messages.
	 */
	public static final PubSubSettings DEFAULTS = new PubSubSettings("partisan", null, Duration.ofMinutes(5), 100_000,
			250);

	public PubSubSettings {
		Check.that(exchangePrefix != null && !exchangePrefix.isBlank() && exchangePrefix.length() <= 100,
				"pubsub.exchange", exchangePrefix, "1 to 100 characters");
		if (announceInterval != null) {
			Check.positive("pubsub.announce-interval", announceInterval);
		}
		Check.that(queueExpiry != null && queueExpiry.toMillis() >= 1000 && queueExpiry.toMillis() <= Integer.MAX_VALUE,
				"pubsub.queue-expiry", queueExpiry, "between 1s and 24 days");
		Check.atLeast("pubsub.max-queue-length", maxQueueLength, 1);
		Check.between("pubsub.prefetch", prefetch, 1, 65535);
	}

	/** {@link #DEFAULTS}. */
	public static PubSubSettings defaults() {
		return DEFAULTS;
	}

	public PubSubSettings withExchangePrefix(String prefix) {
		return new PubSubSettings(prefix, this.announceInterval, this.queueExpiry, this.maxQueueLength, this.prefetch);
	}

}
