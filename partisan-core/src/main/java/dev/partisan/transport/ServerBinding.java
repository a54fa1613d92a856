package dev.partisan.transport;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import dev.partisan.api.Node;
import dev.partisan.api.PortInUseException;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * Binds a node's server and, when that fails, tells a taken port apart from other causes.
 * The bind error itself cannot tell: Reactor Netty wraps every failure alike, and the
 * native transport reports errno text whose wording and number depend on the platform. So
 * the port is probed directly: if the host binds a free port but not the configured one,
 * the configured one is taken and a {@link PortInUseException} says so; otherwise the
 * original error stands.
 */
final class ServerBinding {

	private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

	private ServerBinding() {
	}

	/** Binds {@code server}, waiting up to 10 s, on behalf of {@code local}. */
	static DisposableServer bindNow(TcpServer server, Node local) {
		try {
			return server.bindNow(BIND_TIMEOUT);
		}
		catch (RuntimeException ex) {
			if (local.port() != 0 && portTaken(local.host(), local.port())) {
				throw new PortInUseException(local.host(), local.port(), ex);
			}
			throw ex;
		}
	}

	/**
	 * Whether {@code host} accepts a server on some port but not on {@code port}. A port
	 * below 1024 that the process may not use also reads as taken, as the operating
	 * system answers both alike.
	 */
	static boolean portTaken(String host, int port) {
		InetAddress address;
		try {
			address = InetAddress.getByName(host);
		}
		catch (IOException ex) {
			return false;
		}
		if (!binds(address, 0)) {
			return false;
		}
		return !binds(address, port);
	}

	private static boolean binds(InetAddress address, int port) {
		try (ServerSocket probe = new ServerSocket()) {
			probe.setReuseAddress(true);
			probe.bind(new InetSocketAddress(address, port), 1);
			return true;
		}
		catch (BindException ex) {
			return false;
		}
		catch (IOException ex) {
			// Not a bind refusal: treat the address as usable so the original error is
			// reported.
			return port != 0;
		}
	}

}
