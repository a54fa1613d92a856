package dev.partisan.api;

/**
 * Told when a member becomes reachable (up) or stops being reachable (down), and, on an
 * overlay whose members are a partial view of the cluster (peer-to-peer), when a member
 * only moves out of that view. Called on one thread at a time, in the order the changes
 * were observed; keep it short.
 */
public interface MembershipListener {

	default void memberUp(Node node) {
	}

	default void memberDown(Node node) {
	}

	/**
	 * Like {@link #memberDown(Node)}, with why: a member that left is gone, an
	 * unreachable one may return (a Riak-style store hands off to the first and keeps
	 * fallback replicas for the second). By default calls {@link #memberDown(Node)}.
	 */
	default void memberDown(Node node, DownReason reason) {
		memberDown(node);
	}

	/**
	 * {@code node} is no longer one of this node's members, yet it is neither down nor
	 * gone: it is still in the cluster, and this node merely stopped keeping it in view.
	 * On peer-to-peer, it moved from this node's active view to its passive view (a
	 * shuffle, a full active view making room for another peer, or the peer asking to be
	 * dropped for the same reason); the other overlays never call this. It is not
	 * followed by {@link #memberDown(Node, DownReason)}; {@link #memberUp(Node)} is
	 * called again if it comes back into view. Messages still reach it, relayed over the
	 * overlay.
	 */
	default void memberOutOfView(Node node) {
	}

}
