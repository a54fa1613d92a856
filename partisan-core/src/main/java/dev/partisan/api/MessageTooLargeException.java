package dev.partisan.api;

/**
 * A message encodes to more bytes than the configured maximum frame size. Nothing was
 * sent.
 */
public class MessageTooLargeException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public MessageTooLargeException(long size, long max) {
		super("Message of " + size + " bytes exceeds the maximum frame size of " + max
				+ " bytes (partisan.max-frame-size); nothing was sent");
	}

}
