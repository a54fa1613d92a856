package dev.partisan.interpose;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What happens to a message after interposition: it passes, is dropped, is delayed, or is
 * replaced by another payload.
 */
public final class Verdict {

	/** Deliver (or send) as usual. */
	public static final Verdict PASS = new Verdict(Kind.PASS, Duration.ZERO, null);

	/** Lose the message, as an unreliable network would. */
	public static final Verdict DROP = new Verdict(Kind.DROP, Duration.ZERO, null);

	/** The possible outcomes. */
	public enum Kind {

		PASS, DROP, DELAY,

		/**
		 * Carry {@link #replacement()} instead of the payload (then hold it for
		 * {@link #delay()}, when combined with a delay).
		 */
		REPLACE

	}

	private final Kind kind;

	private final Duration delay;

	private final byte @Nullable [] replacement;

	private Verdict(Kind kind, Duration delay, byte @Nullable [] replacement) {
		this.kind = kind;
		this.delay = delay;
		this.replacement = replacement;
	}

	/**
	 * Hold the message for {@code delay} first. Messages of one lane keep their order.
	 */
	public static Verdict delay(Duration delay) {
		Objects.requireNonNull(delay, "delay");
		return delay.isZero() ? PASS : new Verdict(Kind.DELAY, delay, null);
	}

	/**
	 * Carry {@code payload} instead of the message's payload: any length, the rest of the
	 * frame (kind, flags, handler, codec, payload type) unchanged. The receiver decodes
	 * it with the frame's codec, so it must be what that codec writes for the payload
	 * type (or the handler sees a decoding failure, as with corruption). The bytes are
	 * copied.
	 */
	public static Verdict replace(byte[] payload) {
		Objects.requireNonNull(payload, "payload");
		return new Verdict(Kind.REPLACE, Duration.ZERO, payload.clone());
	}

	public Kind kind() {
		return this.kind;
	}

	public Duration delay() {
		return this.delay;
	}

	/** The payload to carry instead, for {@link Kind#REPLACE}; a copy. */
	public byte @Nullable [] replacement() {
		return (this.replacement != null) ? this.replacement.clone() : null;
	}

	/**
	 * Combines two verdicts: a drop wins; else the later replacement (in registration
	 * order) and the longer delay both apply.
	 */
	Verdict and(Verdict other) {
		if (this.kind == Kind.DROP || other.kind == Kind.DROP) {
			return DROP;
		}
		Duration longer = (other.delay.compareTo(this.delay) > 0) ? other.delay : this.delay;
		byte[] replaced = (other.replacement != null) ? other.replacement : this.replacement;
		if (replaced != null) {
			return new Verdict(Kind.REPLACE, longer, replaced);
		}
		return (other.delay.compareTo(this.delay) > 0) ? other : this;
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case DELAY -> "DELAY " + this.delay;
			case REPLACE -> "REPLACE " + ((this.replacement != null) ? this.replacement.length : 0) + " bytes"
					+ (this.delay.isZero() ? "" : " DELAY " + this.delay);
			default -> this.kind.name();
		};
	}

}
