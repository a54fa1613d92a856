package dev.partisan.spring.boot.autoconfigure;

import dev.partisan.api.PartisanException;

/** A {@code partisan.*} property has a value that cannot work; the failure analyzer explains it. */
public class InvalidPartisanPropertyException extends PartisanException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final String value;

	private final String allowed;

	public InvalidPartisanPropertyException(String property, Object value, String allowed) {
		super("Invalid value '" + value + "' for property " + property + ": " + allowed);
		this.property = property;
		this.value = String.valueOf(value);
		this.allowed = allowed;
	}

	public String getProperty() {
		return this.property;
	}

	public String getValue() {
		return this.value;
	}

	public String getAllowed() {
		return this.allowed;
	}

}
