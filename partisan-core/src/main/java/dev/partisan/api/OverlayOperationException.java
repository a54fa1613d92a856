package dev.partisan.api;

/** The active overlay refuses an operation, e.g. {@code join} on the static overlay. */
public class OverlayOperationException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public OverlayOperationException(String message) {
		super(message);
	}

}
