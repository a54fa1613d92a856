package dev.partisan.api;

/** Why a member went down, as far as this node can tell. */
public enum DownReason {

	/**
	 * It is no longer in the overlay's membership: it left, another member removed it, or
	 * (peer-to-peer) it left this node's active view. Not coming back on its own.
	 */
	LEFT,

	/**
	 * It is still a member, but its connection failed or it fell silent for the failure
	 * timeout: it crashed, is partitioned away or is overloaded. It may come back.
	 */
	UNREACHABLE

}
