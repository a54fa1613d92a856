package dev.partisan.api;

/**
 * Told when a member becomes reachable (up) or stops being reachable (down). Called on one thread at a
 * time, in the order the changes were observed; keep it short.
 */
public interface MembershipListener {

	default void memberUp(Node node) {
	}

	default void memberDown(Node node) {
	}

}
