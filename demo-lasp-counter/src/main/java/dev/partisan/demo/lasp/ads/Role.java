package dev.partisan.demo.lasp.ads;

import dev.partisan.api.Node;

/**
 * What a node does in the case study, read from its Partisan tag
 * ({@code partisan.node.tag}) so that one setting serves both the client-server overlay,
 * which connects by it, and the application. On the peer-to-peer overlay the tag connects
 * nothing, but the roles stay.
 */
public enum Role {

	/**
	 * Holds the authoritative replicas: creates the ads and disables them at their
	 * threshold.
	 */
	SERVER,

	/** A device that displays ads: views increment its own entry of the ad's counter. */
	CLIENT;

	/** {@code server} tags a server; anything else (including no tag) is a client. */
	public static Role of(Node node) {
		return "server".equals(node.tag()) ? SERVER : CLIENT;
	}

	public String label() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
