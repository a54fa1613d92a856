package dev.partisan.config;

import java.time.Duration;

import dev.partisan.api.InvalidSettingException;

/**
 * How the node finds out who is a member and who is down: the heartbeat and its timeout,
 * which decide when a silent member is down, and the two periods that bound how long
 * membership news can take (a seed's answer to a join, full-mesh anti-entropy).
 *
 * @param heartbeatInterval how often heartbeats go out on the control channel
 * @param failureTimeout silence after which a member is down: shorter detects crashes
 * sooner and risks calling a busy node down; at least twice the heartbeat interval
 * @param gossipInterval how often full-mesh members push their membership to each other
 * (changes are pushed at once; this repairs what was missed)
 * @param joinTimeout how long one join waits for its seed to answer
 */
@SettingGroup("")
public record FailureDetectionOptions(Duration heartbeatInterval, Duration failureTimeout, Duration gossipInterval,
		Duration joinTimeout) {

	/**
	 * Heartbeats every second, down after 5 s of silence, gossip every 10 s, joins wait
	 * 10 s.
	 */
	public static final FailureDetectionOptions DEFAULTS = new FailureDetectionOptions(Duration.ofSeconds(1),
			Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10));

	public FailureDetectionOptions {
		Check.positive("heartbeat-interval", heartbeatInterval);
		Check.positive("failure-timeout", failureTimeout);
		Check.that(failureTimeout.compareTo(heartbeatInterval.multipliedBy(2)) >= 0, "failure-timeout", failureTimeout,
				"at least twice heartbeat-interval (" + InvalidSettingException.display(heartbeatInterval)
						+ "), or one late heartbeat marks a healthy node down");
		Check.positive("gossip-interval", gossipInterval);
		Check.positive("join-timeout", joinTimeout);
	}

	public static Builder builder() {
		return new Builder(DEFAULTS);
	}

	public Builder toBuilder() {
		return new Builder(this);
	}

	/** Collects values; checks them, together, only when built. */
	public static final class Builder {

		private Duration heartbeatInterval;

		private Duration failureTimeout;

		private Duration gossipInterval;

		private Duration joinTimeout;

		private Builder(FailureDetectionOptions from) {
			this.heartbeatInterval = from.heartbeatInterval;
			this.failureTimeout = from.failureTimeout;
			this.gossipInterval = from.gossipInterval;
			this.joinTimeout = from.joinTimeout;
		}

		public Builder heartbeatInterval(Duration interval) {
			this.heartbeatInterval = interval;
			return this;
		}

		public Builder failureTimeout(Duration timeout) {
			this.failureTimeout = timeout;
			return this;
		}

		public Builder gossipInterval(Duration interval) {
			this.gossipInterval = interval;
			return this;
		}

		public Builder joinTimeout(Duration timeout) {
			this.joinTimeout = timeout;
			return this;
		}

		public FailureDetectionOptions build() {
			return new FailureDetectionOptions(this.heartbeatInterval, this.failureTimeout, this.gossipInterval,
					this.joinTimeout);
		}

	}

}
