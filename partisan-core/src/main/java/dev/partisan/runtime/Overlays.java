package dev.partisan.runtime;

import java.util.List;

import dev.partisan.membership.ClientServerReach;
import dev.partisan.membership.FullMeshOverlay;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.membership.StaticOverlay;
import dev.partisan.pubsub.PubSubOverlay;

/** The built-in overlays, by the names configuration uses. */
public final class Overlays {

	/** The names {@link #byName} accepts. */
	public static final List<String> NAMES = List.of(StaticOverlay.NAME, FullMeshOverlay.NAME, ClientServerReach.NAME,
			HyParViewOverlay.NAME);

	private Overlays() {
	}

	public static OverlayFactory fullMesh() {
		return (config) -> new FullMeshOverlay(config.gossipInterval());
	}

	/** Clients connect only to servers; client-to-client messages are relayed by a server. */
	public static OverlayFactory clientServer() {
		return (config) -> ClientServerReach.overlay(config.node(), config.gossipInterval());
	}

	/** HyParView: a bounded active view per node, kept connected through failures by the passive view. */
	public static OverlayFactory peerToPeer() {
		return (config) -> new HyParViewOverlay(config.hyParView());
	}

	public static OverlayFactory staticMembers() {
		return (config) -> new StaticOverlay();
	}

	/**
	 * The built-in overlay called {@code name}.
	 * @throws IllegalArgumentException listing the known names when there is none by that name
	 */
	public static OverlayFactory byName(String name) {
		return switch (name) {
			case StaticOverlay.NAME -> staticMembers();
			case FullMeshOverlay.NAME -> fullMesh();
			case ClientServerReach.NAME -> clientServer();
			case HyParViewOverlay.NAME -> peerToPeer();
			case PubSubOverlay.NAME -> throw new IllegalArgumentException("The pubsub overlay needs an AMQP broker: "
					+ "use PubSubOverlay.factory(connectionFactory, settings) (Spring Boot does so from spring.rabbitmq.* "
					+ "when Spring AMQP is on the class path)");
			default -> throw new IllegalArgumentException(
					"Unknown overlay '" + name + "'; the built-in overlays are " + NAMES);
		};
	}

}
