package dev.partisan.wire;

import dev.partisan.api.PartisanException;

/**
 * A connection's hello was refused (wrong or missing cluster secret); the connection is
 * closed.
 */
public class HandshakeRejectedException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public HandshakeRejectedException(String message) {
		super("Handshake rejected: " + message);
	}

}
