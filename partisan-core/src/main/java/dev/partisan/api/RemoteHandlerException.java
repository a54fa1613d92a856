package dev.partisan.api;

/**
 * The remote handler threw, or there was no handler by that name; the message says which.
 */
public class RemoteHandlerException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public RemoteHandlerException(String message) {
		super(message);
	}

}
