package dev.partisan.config;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where this node listens and what role it plays; its name is given to
 * {@code PartisanConfig.builder} as it has no sensible default.
 *
 * @param host the address the server binds and peers dial
 * @param port the server port; 0 picks a free one at start
 * @param tag a role tag, e.g. {@code client} or {@code server} for the client-server
 * overlay
 */
@SettingGroup("node")
public record NodeOptions(String host, int port, @Nullable String tag) {

	/** One node on the loopback address, on port 10100, without a role. */
	public static final NodeOptions DEFAULTS = new NodeOptions("127.0.0.1", 10100, null);

	public NodeOptions {
		Check.that(host != null && !host.isBlank(), "node.host", host, "a host name or IP address");
		Check.that(port >= 0 && port <= 65535, "node.port", port, "a port from 0 to 65535 (0 picks a free one)");
	}

	public NodeOptions withHost(String host) {
		return new NodeOptions(Objects.requireNonNull(host, "host"), this.port, this.tag);
	}

	public NodeOptions withPort(int port) {
		return new NodeOptions(this.host, port, this.tag);
	}

	public NodeOptions withTag(@Nullable String tag) {
		return new NodeOptions(this.host, this.port, tag);
	}

}
