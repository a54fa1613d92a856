package dev.partisan.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.partisan.api.LogText;
import dev.partisan.api.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once per channel name that a message used a channel this node does not configure
 * and so travels on the default channel: often intended (a profile that configures fewer
 * channels), sometimes a typo.
 *
 * <p>
 * The names come from the application's own sends, but an application may build them from
 * data, so the names remembered are bounded ({@link #MAX_NAMES}); past the bound the rest
 * are logged at debug, after one warning that says so.
 */
public final class UnconfiguredChannels {

	/** How many channel names are remembered to be warned about once each. */
	static final int MAX_NAMES = 64;

	private static final Logger logger = LoggerFactory.getLogger(UnconfiguredChannels.class);

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean full = new AtomicBoolean();

	private final NodeId node;

	public UnconfiguredChannels(NodeId node) {
		this.node = node;
	}

	/** Logs the first use of {@code channel} on this node. */
	public void fellBack(String channel) {
		if (this.warned.contains(channel)) {
			return;
		}
		// Checked then added, so a race may remember a name or two past the bound.
		if (this.warned.size() < MAX_NAMES) {
			if (this.warned.add(channel)) {
				logger.warn("Channel '{}' is not configured on node {}; its messages use the default channel, "
						+ "so they share its lanes and its ordering", LogText.escape(channel), this.node);
			}
		}
		else {
			if (this.full.compareAndSet(false, true)) {
				logger.warn("More than {} channel names that node {} does not configure were used; further ones are "
						+ "logged at debug", MAX_NAMES, this.node);
			}
			logger.debug("Channel '{}' is not configured on node {}; its messages use the default channel",
					LogText.escape(channel), this.node);
		}
	}

	/** How many channel names are remembered. */
	int remembered() {
		return this.warned.size();
	}

}
