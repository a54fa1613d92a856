package dev.partisan.membership;

import java.time.Duration;

import dev.partisan.api.Node;

/**
 * What an {@link OverlayFactory} may read of the node's configuration: a view narrower
 * than the runtime's {@code PartisanConfig} (which implements it), so that overlays
 * depend on this package and not on the runtime.
 */
public interface OverlayConfig {

	/** This node, as configured (its port may still be 0). */
	Node node();

	/** How often heartbeats go out; overlays that announce themselves may pace on it. */
	Duration heartbeatInterval();

	/** How often full-mesh style overlays push their membership to each other. */
	Duration gossipInterval();

	/** The peer-to-peer overlay's parameters. */
	HyParViewOverlay.Settings hyParView();

}
