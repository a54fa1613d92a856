package dev.partisan.api;

/**
 * The node a call was waiting on went down before it replied; or a call or send was
 * refused at once because its node is known to be down (failing fast, see
 * {@code PartisanConfig.Builder.failFastToDownNodes}).
 */
public class NodeDownException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public NodeDownException(NodeId node, String name) {
		super("Node '" + node + "' went down before handler '" + name + "' replied");
	}

	/**
	 * A message for handler {@code name} was not sent: {@code node} is known to be down
	 * ({@code partisan.fail-fast-to-down-nodes}).
	 */
	public NodeDownException(NodeId node, String name, DownReason reason) {
		super("Node '" + node + "' is down (" + reason.name().toLowerCase(java.util.Locale.ROOT)
				+ "): the message for handler '" + name + "' was not sent (partisan.fail-fast-to-down-nodes)");
	}

}
