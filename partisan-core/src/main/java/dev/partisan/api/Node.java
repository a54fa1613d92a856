package dev.partisan.api;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A node's identity and where it listens.
 *
 * @param id the node's name
 * @param host the host name or address its server listens on
 * @param port its server's TCP port (0 only before the node has started)
 * @param tag an optional role, such as {@code client} or {@code server} for the
 * client-server overlay
 */
public record Node(NodeId id, String host, int port, @Nullable String tag) {

	public Node {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(host, "host");
		if (host.isBlank()) {
			throw new IllegalArgumentException("Node " + id + " has a blank host");
		}
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("Node " + id + " has port " + port + ", outside 0-65535");
		}
	}

	public static Node of(String name, String host, int port) {
		return new Node(NodeId.of(name), host, port, null);
	}

	/**
	 * Parses {@code name@host:port}, the form seeds are written in. IPv6 hosts go in
	 * brackets: {@code n1@[::1]:10100}.
	 * @param text the address
	 * @return the node
	 * @throws IllegalArgumentException naming the expected form when the text does not
	 * match it
	 */
	public static Node parse(String text) {
		Objects.requireNonNull(text, "text");
		String value = text.trim();
		int at = value.indexOf('@');
		int colon = value.lastIndexOf(':');
		if (at <= 0 || colon <= at + 1 || colon == value.length() - 1) {
			throw new IllegalArgumentException(
					"Invalid node address '" + text + "': expected name@host:port, e.g. n1@127.0.0.1:10100");
		}
		String host = value.substring(at + 1, colon);
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		int port;
		try {
			port = Integer.parseInt(value.substring(colon + 1));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					"Invalid node address '" + text + "': the port is not a number (expected name@host:port)");
		}
		return new Node(NodeId.of(value.substring(0, at)), host, port, null);
	}

	public String name() {
		return this.id.name();
	}

	public Node withTag(@Nullable String tag) {
		return new Node(this.id, this.host, this.port, tag);
	}

	public Node withPort(int port) {
		return new Node(this.id, this.host, port, this.tag);
	}

	/** The {@code name@host:port} form that {@link #parse(String)} reads. */
	public String address() {
		String h = this.host.indexOf(':') >= 0 ? "[" + this.host + "]" : this.host;
		return this.id.name() + "@" + h + ":" + this.port;
	}

	@Override
	public String toString() {
		return (this.tag != null) ? address() + "#" + this.tag : address();
	}

}
