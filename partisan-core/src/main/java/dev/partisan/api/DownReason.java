package dev.partisan.api;

/**
 * Why a member went down, as far as this node can tell. A peer-to-peer neighbour that
 * only moves to the passive view is not down at all: listeners hear
 * {@link MembershipListener#memberOutOfView(Node)} instead.
 */
public enum DownReason {

	/**
	 * It left the cluster or another member removed it: gone for good, until it joins
	 * again.
	 */
	LEFT,

	/**
	 * It is still a member, but its connection failed or it fell silent for the failure
	 * timeout: it crashed, is partitioned away or is overloaded. It may come back.
	 */
	UNREACHABLE

}
