package dev.partisan.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.partisan.api.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once per channel name that a message used a channel this node does not configure
 * and so travels on the default channel: often intended (a profile that configures fewer
 * channels), sometimes a typo.
 */
public final class UnconfiguredChannels {

	private static final Logger logger = LoggerFactory.getLogger(UnconfiguredChannels.class);

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	private final NodeId node;

	public UnconfiguredChannels(NodeId node) {
		this.node = node;
	}

	/** Logs the first use of {@code channel} on this node. */
	public void fellBack(String channel) {
		if (this.warned.add(channel)) {
			logger.warn("Channel '{}' is not configured on node {}; its messages use the default channel, "
					+ "so they share its lanes and its ordering", channel, this.node);
		}
	}

}
