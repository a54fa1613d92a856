package dev.partisan.api;

/**
 * A join failed on an identity conflict: the node at the seed's address answers to
 * another name than the seed's ({@link #expected()} is not {@link #found()}), the seed is
 * another node with this node's own name, or the seed refused this node because a live
 * member at another address already goes by its name (both are this node's name; the
 * message names both addresses). Node names must be unique in a cluster.
 */
public class NodeNameConflictException extends JoinException {

	private static final long serialVersionUID = 1L;

	private final String expected;

	private final String found;

	public NodeNameConflictException(String message, String expected, String found, Throwable cause) {
		super(message, cause);
		this.expected = expected;
		this.found = found;
	}

	public NodeNameConflictException(String message, String expected, String found) {
		super(message);
		this.expected = expected;
		this.found = found;
	}

	/** The name that was expected at the address. */
	public String expected() {
		return this.expected;
	}

	/** The name found there. */
	public String found() {
		return this.found;
	}

}
