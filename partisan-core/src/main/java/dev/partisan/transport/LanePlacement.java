package dev.partisan.transport;

/**
 * How a channel places a flow (a partition key, or a sender and destination under
 * affinity) on its lanes. Both keep every flow on one lane, so its messages stay in
 * order.
 */
public enum LanePlacement {

	/**
	 * The papers' rule: a mixed hash of the flow, modulo the lanes. Stateless and the
	 * same on every node, but flows collide: 16 flows on 16 lanes occupy about 10 of them
	 * (the birthday bound).
	 */
	HASH,

	/**
	 * A new flow goes to the lane with the fewest flows and stays there while it is
	 * active, so k flows on k lanes get a lane each. Costs a table of active flows per
	 * peer and channel; a flow idle for {@link BalancedPlacement#STICKINESS} with nothing
	 * queued on its lane is forgotten and may be placed anew. Past
	 * {@link BalancedPlacement#MAX_FLOWS} active flows, new ones are hashed.
	 */
	BALANCED

}
