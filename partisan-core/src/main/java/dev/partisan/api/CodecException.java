package dev.partisan.api;

/**
 * A payload could not be encoded, or a received one could not be decoded or is not
 * allow-listed.
 */
public class CodecException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public CodecException(String message) {
		super(message);
	}

	public CodecException(String message, Throwable cause) {
		super(message, cause);
	}

}
