package dev.partisan.transport;

import java.util.Objects;

import dev.partisan.config.Check;

/**
 * A named channel and how many parallel connections (lanes) it gets to each peer.
 *
 * @param name the channel name
 * @param parallelism lanes per peer, at least 1
 * @param compression whether payloads at or above the compression threshold are deflated
 * @param ack whether every message on it is acknowledged and retransmitted until it is
 * @param monotonic whether a newer message for the same destination and key supersedes an
 * older one still queued (at least one per monotonic window still goes out)
 * @param placement how flows are placed on the lanes
 */
public record ChannelSpec(String name, int parallelism, boolean compression, boolean ack, boolean monotonic,
		LanePlacement placement) {

	/**
	 * The internal channel for membership and heartbeats, kept apart from application
	 * traffic.
	 */
	public static final String CONTROL = "_control";

	/**
	 * The pseudo-channel of a probe that asks a node for its name (DNS seed discovery).
	 */
	public static final String IDENTIFY = "_identify";

	public ChannelSpec(String name, int parallelism, boolean compression) {
		this(name, parallelism, compression, false, false);
	}

	/** A channel whose flows are placed on lanes by hash (the papers' rule). */
	public ChannelSpec(String name, int parallelism, boolean compression, boolean ack, boolean monotonic) {
		this(name, parallelism, compression, ack, monotonic, LanePlacement.HASH);
	}

	public ChannelSpec {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(placement, "placement");
		Check.that(!name.isBlank() && name.length() <= 255, "channels", name, "a channel name of 1 to 255 characters");
		Check.atLeast("channels." + name + ".parallelism", parallelism, 1);
	}

}
