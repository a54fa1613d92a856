package dev.partisan.config;

import java.time.Duration;

/**
 * How messages are handed over: acknowledgement and retransmission, duplicate and
 * superseded-message handling, and the handlers' mailboxes and threads.
 *
 * @param retransmitInterval how long an acknowledged message waits for its
 * acknowledgement before it is sent again
 * @param maxOutstandingAcks acknowledged messages to one peer that may await
 * acknowledgement at once
 * @param dedupWindow how long a receiver remembers accepted acknowledged messages to drop
 * their duplicates
 * @param monotonicWindow on monotonic channels, the period in which at least one message
 * per destination and key goes out
 * @param mailboxCapacity messages one handler's mailbox holds before its source is paused
 * @param handlerThreads threads that run handlers; 0 means max(2, cores)
 * @param failFastToDownNodes whether a call or send to a node seen go down (and not up
 * since) with no other route to it fails at once with {@code NodeDownException} instead
 * of being queued (a call would otherwise wait its whole timeout)
 */
@SettingGroup("")
public record DeliveryOptions(Duration retransmitInterval, int maxOutstandingAcks, Duration dedupWindow,
		Duration monotonicWindow, int mailboxCapacity, int handlerThreads, boolean failFastToDownNodes) {

	/**
	 * Retransmit after 1 s, 10,000 outstanding acknowledgements per peer, duplicates
	 * remembered 10 min, a monotonic window of 1 s, mailboxes of 100,000, a handler
	 * thread per core, and calls and sends to down nodes failing fast.
	 */
	public static final DeliveryOptions DEFAULTS = new DeliveryOptions(Duration.ofSeconds(1), 10_000,
			Duration.ofMinutes(10), Duration.ofSeconds(1), 100_000, 0, true);

	public DeliveryOptions {
		Check.positive("retransmit-interval", retransmitInterval);
		Check.atLeast("max-outstanding-acks", maxOutstandingAcks, 1);
		Check.positive("dedup-window", dedupWindow);
		Check.positive("monotonic-window", monotonicWindow);
		Check.atLeast("mailbox-capacity", mailboxCapacity, 1);
		Check.threads("handler-threads", handlerThreads);
	}

	/**
	 * The handler threads to start: {@link #handlerThreads()}, or max(2, cores) for 0.
	 */
	public int handlerThreadCount() {
		return Check.resolveThreads(this.handlerThreads);
	}

	public static Builder builder() {
		return new Builder(DEFAULTS);
	}

	public Builder toBuilder() {
		return new Builder(this);
	}

	/** Collects values; checks them only when built. */
	public static final class Builder {

		private Duration retransmitInterval;

		private int maxOutstandingAcks;

		private Duration dedupWindow;

		private Duration monotonicWindow;

		private int mailboxCapacity;

		private int handlerThreads;

		private boolean failFastToDownNodes;

		private Builder(DeliveryOptions from) {
			this.retransmitInterval = from.retransmitInterval;
			this.maxOutstandingAcks = from.maxOutstandingAcks;
			this.dedupWindow = from.dedupWindow;
			this.monotonicWindow = from.monotonicWindow;
			this.mailboxCapacity = from.mailboxCapacity;
			this.handlerThreads = from.handlerThreads;
			this.failFastToDownNodes = from.failFastToDownNodes;
		}

		public Builder retransmitInterval(Duration interval) {
			this.retransmitInterval = interval;
			return this;
		}

		public Builder maxOutstandingAcks(int limit) {
			this.maxOutstandingAcks = limit;
			return this;
		}

		public Builder dedupWindow(Duration window) {
			this.dedupWindow = window;
			return this;
		}

		public Builder monotonicWindow(Duration window) {
			this.monotonicWindow = window;
			return this;
		}

		public Builder mailboxCapacity(int capacity) {
			this.mailboxCapacity = capacity;
			return this;
		}

		public Builder handlerThreads(int threads) {
			this.handlerThreads = threads;
			return this;
		}

		public Builder failFastToDownNodes(boolean failFast) {
			this.failFastToDownNodes = failFast;
			return this;
		}

		public DeliveryOptions build() {
			return new DeliveryOptions(this.retransmitInterval, this.maxOutstandingAcks, this.dedupWindow,
					this.monotonicWindow, this.mailboxCapacity, this.handlerThreads, this.failFastToDownNodes);
		}

	}

}
