package dev.partisan.api;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A configuration setting has a value that cannot work. It carries the setting's name,
 * the value and what is allowed as separate fields, so that a caller (the Spring Boot
 * failure analyzer, a CLI) can report it in its own vocabulary without reading the
 * message.
 *
 * <p>
 * The {@linkplain #property() property} is the setting's name in kebab case, as a dotted
 * path from the configuration's root: {@code failure-timeout}, {@code node.port},
 * {@code hyparview.arwl}, {@code channels.vnode.parallelism}. Spring Boot exposes the
 * same setting as {@code partisan.} followed by that name; keeping one naming rule is
 * what lets it report core's checks without a translation table.
 */
public class InvalidSettingException extends PartisanException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final String value;

	private final String allowed;

	/**
	 * @param property the setting's kebab-case name, e.g. {@code failure-timeout}
	 * @param value the rejected value ({@code null} when missing); durations are shown as
	 * {@code 1s}, {@code 200ms}
	 * @param allowed what would be accepted, as a phrase that completes "must be":
	 * {@code at least 1}
	 */
	public InvalidSettingException(String property, @Nullable Object value, String allowed) {
		this(property, display(value), allowed);
	}

	private InvalidSettingException(String property, String value, String allowed) {
		super("Invalid value '" + value + "' for " + property + ": it must be " + allowed);
		this.property = property;
		this.value = value;
		this.allowed = allowed;
	}

	/**
	 * The setting's kebab-case name relative to the configuration's root, e.g.
	 * {@code hyparview.arwl}.
	 */
	public String property() {
		return this.property;
	}

	/**
	 * The rejected value as text ({@code null} when none was given); durations as
	 * {@code 5s}.
	 */
	public String value() {
		return this.value;
	}

	/**
	 * What is allowed, e.g. {@code a positive duration} or {@code between 1 and 65535}.
	 */
	public String allowed() {
		return this.allowed;
	}

	/**
	 * A value as a user would write it in configuration: durations in the largest whole
	 * unit, so that {@code 1s} reads back as what was configured rather than as
	 * {@code PT1S}.
	 */
	public static String display(@Nullable Object value) {
		if (value instanceof Duration duration) {
			return displayDuration(duration);
		}
		return String.valueOf(value);
	}

	private static String displayDuration(Duration duration) {
		long nanos;
		try {
			nanos = duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return duration.toString();
		}
		if (nanos == 0) {
			return "0s";
		}
		long[] units = { 86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L };
		String[] names = { "d", "h", "m", "s", "ms", "us" };
		for (int i = 0; i < units.length; i++) {
			if (nanos % units[i] == 0) {
				return (nanos / units[i]) + names[i];
			}
		}
		return nanos + "ns";
	}

}
