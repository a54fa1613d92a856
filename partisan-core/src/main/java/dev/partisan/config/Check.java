package dev.partisan.config;

import java.time.Duration;

import dev.partisan.api.InvalidSettingException;
import org.jspecify.annotations.Nullable;

/**
 * The checks settings share, each raising an {@link InvalidSettingException} that names
 * the setting, the value and what is allowed. Every group validates with these, so a rule
 * ("a positive duration") is phrased the same wherever it applies.
 */
public final class Check {

	private Check() {
	}

	/** {@code value}, when it is a duration above zero. */
	public static Duration positive(String property, @Nullable Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidSettingException(property, value, "a positive duration");
		}
		return value;
	}

	/** {@code value}, when it is at least {@code min}. */
	public static int atLeast(String property, int value, int min) {
		if (value < min) {
			throw new InvalidSettingException(property, value, "at least " + min);
		}
		return value;
	}

	/** {@code value}, when it is at least {@code min}. */
	public static long atLeast(String property, long value, long min) {
		if (value < min) {
			throw new InvalidSettingException(property, value, "at least " + min);
		}
		return value;
	}

	/** {@code value}, when it is from {@code min} to {@code max}, both included. */
	public static int between(String property, int value, int min, int max) {
		if (value < min || value > max) {
			throw new InvalidSettingException(property, value, "between " + min + " and " + max);
		}
		return value;
	}

	/** A thread count, where 0 means one per core with at least two. */
	public static int threads(String property, int value) {
		if (value < 0) {
			throw new InvalidSettingException(property, value, "at least 1, or 0 for max(2, cores)");
		}
		return value;
	}

	/**
	 * What a thread count of 0 stands for: as many threads as cores, and at least two.
	 */
	public static int resolveThreads(int configured) {
		return (configured > 0) ? configured : Math.max(2, Runtime.getRuntime().availableProcessors());
	}

	/** Fails with {@code allowed} unless {@code condition} holds. */
	public static void that(boolean condition, String property, @Nullable Object value, String allowed) {
		if (!condition) {
			throw new InvalidSettingException(property, value, allowed);
		}
	}

}
