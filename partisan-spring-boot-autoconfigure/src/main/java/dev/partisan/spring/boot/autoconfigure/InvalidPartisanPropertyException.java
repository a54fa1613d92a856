package dev.partisan.spring.boot.autoconfigure;

import dev.partisan.api.InvalidSettingException;
import dev.partisan.api.PartisanException;
import org.jspecify.annotations.Nullable;

/**
 * A {@code partisan.*} property has a value that cannot work; the failure analyzer
 * explains it.
 */
public class InvalidPartisanPropertyException extends PartisanException {

	private static final long serialVersionUID = 1L;

	/** The prefix of every Partisan property; core names its settings relative to it. */
	static final String PREFIX = "partisan.";

	private final String property;

	private final String value;

	private final String allowed;

	public InvalidPartisanPropertyException(String property, Object value, String allowed) {
		this(property, String.valueOf(value), allowed, null);
	}

	private InvalidPartisanPropertyException(String property, String value, String allowed, @Nullable Throwable cause) {
		super("Invalid value '" + value + "' for property " + property + ": " + allowed);
		if (cause != null) {
			initCause(cause);
		}
		this.property = property;
		this.value = value;
		this.allowed = allowed;
	}

	/**
	 * Core's check failure as the property it came from: core names settings by the
	 * property's own kebab-case name below {@code partisan.}, so the name, value and rule
	 * carry over field by field.
	 */
	public static InvalidPartisanPropertyException of(InvalidSettingException ex) {
		return new InvalidPartisanPropertyException(PREFIX + ex.property(), ex.value(), ex.allowed(), ex);
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
