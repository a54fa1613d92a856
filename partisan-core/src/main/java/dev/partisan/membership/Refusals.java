package dev.partisan.membership;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.partisan.api.NodeId;
import org.slf4j.Logger;

/**
 * Logs an overlay's refusal of a control message at WARN, at most once a minute per
 * sender: a refused request is worth an operator's attention, but a peer repeating it
 * every gossip interval must not flood the log. Owned by the overlay's thread, like the
 * overlay.
 */
final class Refusals {

	private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	/**
	 * Senders remembered at most; beyond it the memory is cleared rather than grown, so
	 * many made-up senders cost a few more log lines, not memory.
	 */
	private static final int MAX_SENDERS = 1024;

	private final Logger logger;

	private final Map<NodeId, Long> lastWarned = new HashMap<>();

	Refusals(Logger logger) {
		this.logger = logger;
	}

	/**
	 * Logs {@code format} (with {@code args}) unless {@code sender} was warned of lately.
	 */
	void warn(NodeId sender, String format, Object... args) {
		long now = System.nanoTime();
		Long last = this.lastWarned.get(sender);
		if (last != null && now - last < INTERVAL_NANOS) {
			this.logger.debug(format, args);
			return;
		}
		if (this.lastWarned.size() >= MAX_SENDERS) {
			this.lastWarned.clear();
		}
		this.lastWarned.put(sender, now);
		this.logger.warn(format, args);
	}

}
