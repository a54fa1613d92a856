package dev.partisan.runtime;

import java.util.List;
import java.util.stream.Collectors;

import dev.partisan.api.InvalidSettingException;
import dev.partisan.membership.ClientServerReach;
import dev.partisan.membership.FullMeshOverlay;
import dev.partisan.membership.HyParViewOverlay;
import dev.partisan.membership.OverlayFactory;
import dev.partisan.membership.StaticOverlay;

/**
 * The built-in overlays, by the names configuration uses: those made from settings alone.
 * An overlay that needs more (pub-sub needs its broker's connection factory) brings its
 * own {@link OverlayFactory}, given to
 * {@code PartisanConfig.Builder#overlay(OverlayFactory)}; the runtime does not name it,
 * so that such an overlay can depend on the shared packages without the runtime depending
 * on it.
 */
public final class Overlays {

	/** The names {@link #byName} accepts. */
	public static final List<String> NAMES = List.of(StaticOverlay.NAME, FullMeshOverlay.NAME, ClientServerReach.NAME,
			HyParViewOverlay.NAME);

	private Overlays() {
	}

	public static OverlayFactory fullMesh() {
		return (config) -> new FullMeshOverlay(config.gossipInterval());
	}

	/**
	 * Clients connect only to servers; client-to-client messages are relayed by a server.
	 */
	public static OverlayFactory clientServer() {
		return (config) -> ClientServerReach.overlay(config.node(), config.gossipInterval());
	}

	/**
	 * HyParView: a bounded active view per node, kept connected through failures by the
	 * passive view.
	 */
	public static OverlayFactory peerToPeer() {
		return (config) -> new HyParViewOverlay(config.hyParView());
	}

	public static OverlayFactory staticMembers() {
		return (config) -> new StaticOverlay();
	}

	/**
	 * The built-in overlay called {@code name}.
	 * @throws InvalidSettingException listing the known names when there is none by that
	 * name
	 */
	public static OverlayFactory byName(String name) {
		return switch (name) {
			case StaticOverlay.NAME -> staticMembers();
			case FullMeshOverlay.NAME -> fullMesh();
			case ClientServerReach.NAME -> clientServer();
			case HyParViewOverlay.NAME -> peerToPeer();
			default -> throw new InvalidSettingException("overlay", name, NAMES.stream()
				.map((known) -> "'" + known + "', ")
				.collect(Collectors.joining("", "",
						"or an OverlayFactory given to PartisanConfig.Builder#overlay(OverlayFactory), "
								+ "as an overlay that needs more than settings takes (pubsub and its broker)")));
		};
	}

}
