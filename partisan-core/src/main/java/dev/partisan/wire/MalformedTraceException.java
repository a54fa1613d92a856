package dev.partisan.wire;

import dev.partisan.api.CodecException;

/**
 * A frame's trace section breaks a bound or does not parse. The rest of the frame is
 * sound (its length was read before), so the frame alone is dropped and its connection
 * kept.
 */
public class MalformedTraceException extends CodecException {

	private static final long serialVersionUID = 1L;

	public MalformedTraceException(String message) {
		super(message);
	}

}
