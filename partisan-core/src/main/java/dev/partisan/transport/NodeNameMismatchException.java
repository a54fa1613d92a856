package dev.partisan.transport;

import dev.partisan.wire.HandshakeRejectedException;

/**
 * The node that answered a dial is not the one dialled: another node listens at the
 * address (a stale seed list, a reused pod IP, a misconfigured name).
 */
public final class NodeNameMismatchException extends HandshakeRejectedException {

	private static final long serialVersionUID = 1L;

	private final String expected;

	private final String found;

	public NodeNameMismatchException(String expected, String found) {
		super("dialled '" + expected + "' but '" + found + "' answered");
		this.expected = expected;
		this.found = found;
	}

	/** The name dialled. */
	public String expected() {
		return this.expected;
	}

	/** The name the node at the address answered with. */
	public String found() {
		return this.found;
	}

}
