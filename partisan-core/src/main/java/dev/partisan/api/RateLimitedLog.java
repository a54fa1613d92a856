package dev.partisan.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Warnings that another node can cause, logged at most once per key per interval: the
 * next one after the interval says how many were suppressed in between. A peer that
 * repeats a refused message a thousand times a second then costs a line a minute, not a
 * thousand, and still shows up in the log with its count.
 *
 * <p>
 * The keys it remembers are bounded, since a peer picks them (a handler or channel name):
 * a key is kept at most {@link LogText#MAX_CHARS} characters long, and when
 * {@code maxKeys} are remembered the ones whose interval has passed are forgotten (with a
 * line for any count they still held); if none has, the new key shares one overflow key
 * with every other key that finds no room. So memory stays within {@code maxKeys} short
 * keys, and the lines in an interval within about {@code maxKeys + 1}.
 *
 * <p>
 * The formats take SLF4J's {@code {}} placeholders; what a peer chose still needs
 * {@link LogText#escape(Object)} in the arguments. Lives in {@code api} for the same
 * reason as {@link LogText}: every package that logs peer input may use it.
 */
public final class RateLimitedLog {

	/** The interval when none is given: a line per key per minute. */
	public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

	/** How many keys are remembered when no bound is given. */
	public static final int DEFAULT_MAX_KEYS = 256;

	private static final String OVERFLOW = "\u0000overflow";

	private final Logger logger;

	private final long intervalNanos;

	private final int maxKeys;

	private final LongSupplier nanoClock;

	/** Keys in the order they were last logged, so the oldest are first to go. */
	private final Map<String, Window> windows = new LinkedHashMap<>();

	public RateLimitedLog(Logger logger) {
		this(logger, DEFAULT_INTERVAL, DEFAULT_MAX_KEYS);
	}

	public RateLimitedLog(Logger logger, Duration interval, int maxKeys) {
		this(logger, interval, maxKeys, System::nanoTime);
	}

	/** With a clock of its own, so a test can step through intervals without waiting. */
	public RateLimitedLog(Logger logger, Duration interval, int maxKeys, LongSupplier nanoClock) {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("The interval must be positive, not " + interval);
		}
		if (maxKeys < 1) {
			throw new IllegalArgumentException("At least one key must be remembered, not " + maxKeys);
		}
		this.logger = logger;
		this.intervalNanos = interval.toNanos();
		this.maxKeys = maxKeys;
		this.nanoClock = nanoClock;
	}

	/**
	 * Logs a warning unless one for {@code key} was logged less than an interval ago.
	 * @param key what makes two warnings the same (e.g. the kind and a handler name)
	 * @param format an SLF4J format; a trailing Throwable argument is logged as the cause
	 * @return whether the warning was logged
	 */
	public boolean warn(String key, String format, Object... arguments) {
		if (!this.logger.isWarnEnabled()) {
			return false;
		}
		List<Forgotten> forgotten = new ArrayList<>(0);
		long suppressed;
		synchronized (this.windows) {
			suppressed = admit(LogText.escape(key), this.nanoClock.getAsLong(), forgotten);
		}
		for (Forgotten gone : forgotten) {
			this.logger.warn("{} more warnings like '{}' were suppressed", gone.suppressed, gone.key);
		}
		if (suppressed < 0) {
			return false;
		}
		if (suppressed == 0) {
			this.logger.warn(format, arguments);
		}
		else {
			this.logger.warn(format + " ({} more like it suppressed since the last)", withCount(arguments, suppressed));
		}
		return true;
	}

	/** How many keys are remembered now (at most {@code maxKeys + 1}, the overflow). */
	public int keys() {
		synchronized (this.windows) {
			return this.windows.size();
		}
	}

	/**
	 * Decides for one occurrence of {@code key}.
	 * @return -1 to suppress it, otherwise the count suppressed since the key's last line
	 */
	private long admit(String key, long now, List<Forgotten> forgotten) {
		Window window = this.windows.get(key);
		if (window == null && this.windows.size() >= this.maxKeys) {
			forgetExpired(now, forgotten);
		}
		if (window == null && this.windows.size() >= this.maxKeys) {
			key = OVERFLOW;
			window = this.windows.get(key);
		}
		if (window == null) {
			this.windows.put(key, new Window(now));
			return 0;
		}
		if (now - window.since < this.intervalNanos) {
			window.suppressed++;
			return -1;
		}
		long suppressed = window.suppressed;
		// Moved to the end, so the map stays in the order of the last lines logged.
		this.windows.remove(key);
		this.windows.put(key, new Window(now));
		return suppressed;
	}

	/**
	 * Forgets the keys whose interval has passed, oldest first. A count one still held is
	 * logged (by the caller, outside the lock), as the key may never come again to carry
	 * it.
	 */
	private void forgetExpired(long now, List<Forgotten> forgotten) {
		Iterator<Map.Entry<String, Window>> entries = this.windows.entrySet().iterator();
		while (entries.hasNext()) {
			Map.Entry<String, Window> entry = entries.next();
			Window window = entry.getValue();
			if (now - window.since < this.intervalNanos) {
				return;
			}
			entries.remove();
			if (window.suppressed > 0) {
				String key = OVERFLOW.equals(entry.getKey()) ? "(keys beyond the " + this.maxKeys + " remembered)"
						: entry.getKey();
				forgotten.add(new Forgotten(key, window.suppressed));
			}
		}
	}

	private static Object[] withCount(Object[] arguments, long suppressed) {
		int last = arguments.length - 1;
		if (last >= 0 && arguments[last] instanceof Throwable) {
			Object[] result = Arrays.copyOf(arguments, arguments.length + 1);
			result[last] = suppressed;
			result[last + 1] = arguments[last];
			return result;
		}
		Object[] result = Arrays.copyOf(arguments, arguments.length + 1);
		result[last + 1] = suppressed;
		return result;
	}

	private record Forgotten(String key, long suppressed) {
	}

	private static final class Window {

		final long since;

		long suppressed;

		Window(long since) {
			this.since = since;
		}

	}

}
