package dev.partisan.api;

/** The root of Partisan's exceptions. */
public class PartisanException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public PartisanException(String message) {
		super(message);
	}

	public PartisanException(String message, Throwable cause) {
		super(message, cause);
	}

}
