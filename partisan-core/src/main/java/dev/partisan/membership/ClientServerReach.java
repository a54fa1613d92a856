package dev.partisan.membership;

import java.time.Duration;

import dev.partisan.api.Node;
import dev.partisan.api.OverlayOperationException;

/**
 * The client-server overlay: every node is tagged {@code client} or {@code server};
 * servers connect to everyone, clients only to servers, so there is never a
 * client-to-client connection. A client reaches another client through a server,
 * transparently. Membership is gossiped as in full-mesh, under the same rules of who may
 * ask what (see {@link FullMeshOverlay}); and without a cluster secret a relayed message
 * is believed to come from the client it names only when a server passed it on.
 */
public final class ClientServerReach implements FullMeshOverlay.Reach {

	public static final String NAME = "client-server";

	public static final String CLIENT = "client";

	public static final String SERVER = "server";

	@Override
	public boolean connects(Node self, Node other) {
		return isServer(self) || isServer(other);
	}

	/**
	 * A server passes messages on between clients, so it vouches for their origin; a
	 * client relays for no one.
	 */
	@Override
	public boolean relays(Node node) {
		return isServer(node);
	}

	static boolean isServer(Node node) {
		return SERVER.equals(node.tag());
	}

	/**
	 * The client-server overlay for a node; refuses a node tagged neither client nor
	 * server.
	 */
	public static Overlay overlay(Node self, Duration gossipInterval) {
		if (!CLIENT.equals(self.tag()) && !SERVER.equals(self.tag())) {
			throw new OverlayOperationException("The client-server overlay needs every node tagged 'client' or "
					+ "'server' (partisan.node.tag); node " + self.id() + " has tag " + self.tag());
		}
		return new FullMeshOverlay(NAME, gossipInterval, new ClientServerReach());
	}

}
