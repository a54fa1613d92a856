package dev.partisan.membership;

import dev.partisan.api.Node;

/**
 * One element of the membership CRDT: a node at a version, present or removed.
 *
 * @param node the node and its address
 * @param version its incarnation or a later version; larger wins
 * @param removed whether the node left or was removed at this version
 */
public record MemberEntry(Node node, long version, boolean removed) {

	/**
	 * The merge order: higher version wins; at equal versions a removal wins, so a leave
	 * sticks.
	 */
	boolean supersedes(MemberEntry other) {
		if (this.version != other.version) {
			return this.version > other.version;
		}
		if (this.removed != other.removed) {
			return this.removed;
		}
		// The same node at the same version is the common case (a gossip repeating what
		// is known): no strings are built for it.
		return !this.node.equals(other.node) && this.node.toString().compareTo(other.node.toString()) > 0;
	}

}
