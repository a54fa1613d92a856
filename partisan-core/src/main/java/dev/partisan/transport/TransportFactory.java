package dev.partisan.transport;

import java.util.concurrent.ScheduledExecutorService;

import dev.partisan.api.Node;

/** Makes the transport of one node; called once per node start. */
@FunctionalInterface
public interface TransportFactory {

	/** The TCP transport: a connection per peer, channel and lane. */
	TransportFactory NETTY = NettyTransport::new;

	/**
	 * @param settings the node's transport settings
	 * @param local this node, as configured
	 * @param incarnation this start of the node
	 * @param listener where frames and peer events go (return quickly)
	 * @param timer the node's control thread, for periodic work that must not block
	 */
	Transport create(TransportSettings settings, Node local, long incarnation, TransportListener listener,
			ScheduledExecutorService timer);

}
