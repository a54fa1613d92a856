package dev.partisan.interpose;

import java.time.Duration;
import java.util.Objects;

/**
 * What happens to a message after interposition: it passes, is dropped, or is delayed.
 */
public final class Verdict {

	/** Deliver (or send) as usual. */
	public static final Verdict PASS = new Verdict(Kind.PASS, Duration.ZERO);

	/** Lose the message, as an unreliable network would. */
	public static final Verdict DROP = new Verdict(Kind.DROP, Duration.ZERO);

	/** The possible outcomes. */
	public enum Kind {

		PASS, DROP, DELAY

	}

	private final Kind kind;

	private final Duration delay;

	private Verdict(Kind kind, Duration delay) {
		this.kind = kind;
		this.delay = delay;
	}

	/**
	 * Hold the message for {@code delay} first. Messages of one lane keep their order.
	 */
	public static Verdict delay(Duration delay) {
		Objects.requireNonNull(delay, "delay");
		return delay.isZero() ? PASS : new Verdict(Kind.DELAY, delay);
	}

	public Kind kind() {
		return this.kind;
	}

	public Duration delay() {
		return this.delay;
	}

	/** Combines two verdicts: a drop wins, else the longer delay. */
	Verdict and(Verdict other) {
		if (this.kind == Kind.DROP || other.kind == Kind.DROP) {
			return DROP;
		}
		return (other.delay.compareTo(this.delay) > 0) ? other : this;
	}

	@Override
	public String toString() {
		return (this.kind == Kind.DELAY) ? "DELAY " + this.delay : this.kind.name();
	}

}
