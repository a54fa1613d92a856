package dev.partisan.api;

/**
 * Joining through a seed failed: it could not be reached, or it did not answer in time.
 */
public class JoinException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public JoinException(String message) {
		super(message);
	}

	public JoinException(String message, Throwable cause) {
		super(message, cause);
	}

}
