package dev.partisan.transport;

import dev.partisan.wire.HandshakeRejectedException;

/**
 * The node dialled refused this node: a live member of its cluster already goes by this
 * node's name, at another address (two instances with one configured name).
 */
public final class NodeNameTakenException extends HandshakeRejectedException {

	private static final long serialVersionUID = 1L;

	private final String name;

	private final String holderAddress;

	public NodeNameTakenException(String name, String holderAddress) {
		super("the name '" + name + "' is taken by a live member at " + holderAddress);
		this.name = name;
		this.holderAddress = holderAddress;
	}

	/** The name this node dialled with. */
	public String name() {
		return this.name;
	}

	/** The address of the member that already goes by it, as {@code host:port}. */
	public String holderAddress() {
		return this.holderAddress;
	}

}
