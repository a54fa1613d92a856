package dev.partisan.api;

/**
 * A message was addressed to a node this node has no route to (not a member, not known).
 */
public class UnknownNodeException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public UnknownNodeException(NodeId node) {
		super("No route to node '" + node + "': it is not a member known to this node");
	}

}
