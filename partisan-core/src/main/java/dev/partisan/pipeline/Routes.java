package dev.partisan.pipeline;

import dev.partisan.api.NodeId;
import org.jspecify.annotations.Nullable;

/**
 * Where a frame for a node is handed: to the node itself when the transport carries
 * frames to it, else to the member the overlay says can relay it (a client reaching a
 * client through a server).
 */
@FunctionalInterface
public interface Routes {

	/**
	 * {@code target} itself, the member that relays to it, or {@code null} when it cannot
	 * be reached.
	 */
	@Nullable NodeId nextHop(NodeId target);

}
