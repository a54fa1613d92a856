package dev.partisan.pipeline;

import dev.partisan.api.NodeId;

/**
 * Which nodes the overlay trusts to pass on frames for another origin, when relays carry
 * no MAC (a cluster without a secret): {@code Overlay#relaysFor}.
 */
@FunctionalInterface
public interface Relayers {

	/**
	 * Whether {@code relay} may pass on frames whose origin is {@code origin}. Called
	 * from the transport's threads.
	 */
	boolean relaysFor(NodeId relay, NodeId origin);

}
