package dev.partisan.api;

/**
 * Told when a member becomes reachable (up) or stops being reachable (down). Called on
 * one thread at a time, in the order the changes were observed; keep it short.
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

}
