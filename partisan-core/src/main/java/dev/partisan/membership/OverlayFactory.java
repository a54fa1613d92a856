package dev.partisan.membership;

import dev.partisan.transport.TransportFactory;

/**
 * Makes the overlay of one node; called once per node start. It lives beside the overlays
 * rather than in the runtime so that an overlay outside the built-in ones (pub-sub, an
 * application's own) can bring its factory without depending on the runtime, and the
 * runtime need not know it.
 */
@FunctionalInterface
public interface OverlayFactory {

	/**
	 * @param config the part of the node's configuration an overlay may use
	 */
	Overlay create(OverlayConfig config);

	/**
	 * The transport this overlay runs on: TCP connections of the node's own by default; a
	 * broker for the pub-sub overlay, which has no listening socket.
	 */
	default TransportFactory transport() {
		return TransportFactory.NETTY;
	}

}
