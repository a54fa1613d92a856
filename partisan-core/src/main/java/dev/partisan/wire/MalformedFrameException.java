package dev.partisan.wire;

import dev.partisan.api.PartisanException;

/**
 * Bytes on a connection that are not a valid frame; the connection that carried them is
 * closed.
 */
public class MalformedFrameException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public MalformedFrameException(String message) {
		super("Malformed frame: " + message);
	}

}
