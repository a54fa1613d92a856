package dev.partisan.runtime;

import dev.partisan.membership.Overlay;
import dev.partisan.transport.TransportFactory;

/** Makes the overlay of one node; called once per node start. */
@FunctionalInterface
public interface OverlayFactory {

	Overlay create(PartisanConfig config);

	/**
	 * The transport this overlay runs on: TCP connections of the node's own by default; a broker for the
	 * pub-sub overlay, which has no listening socket.
	 */
	default TransportFactory transport() {
		return TransportFactory.NETTY;
	}

}
