package dev.partisan.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Loopback ports that were free a moment ago. A node's port is chosen once, before its
 * first start, so that its seed address is known to the nodes started after it and a
 * restart can come back at the same address.
 */
final class LoopbackPorts {

	private LoopbackPorts() {
	}

	static int next() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free loopback port", ex);
		}
	}

}
