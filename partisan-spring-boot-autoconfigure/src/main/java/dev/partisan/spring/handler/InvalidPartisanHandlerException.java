package dev.partisan.spring.handler;

import dev.partisan.api.PartisanException;

/** A {@code @PartisanChannel} method that cannot be a handler. */
public class InvalidPartisanHandlerException extends PartisanException {

	private static final long serialVersionUID = 1L;

	public InvalidPartisanHandlerException(String message) {
		super(message);
	}

}
