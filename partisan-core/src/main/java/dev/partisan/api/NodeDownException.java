package dev.partisan.api;

/** The node a call was waiting on went down before it replied. */
public class NodeDownException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public NodeDownException(NodeId node, String name) {
		super("Node '" + node + "' went down before handler '" + name + "' replied");
	}

}
