package dev.partisan.api;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How one message travels: on which named channel, and with which partition key for lane selection.
 * Immutable; every {@code with}-style method returns a copy.
 *
 * <p>Ordering follows from lane selection: messages from one sender to one destination name on one
 * channel with one partition key (or without a key, when affinity is on) use one connection, so they
 * arrive in the order they were sent. Nothing is promised across channels, across keys, or across a
 * reconnection of the lane.
 */
public final class ForwardOptions {

	/** The name of the channel every node has and that messages without a channel use. */
	public static final String DEFAULT_CHANNEL = "default";

	private static final ForwardOptions DEFAULTS = new ForwardOptions(DEFAULT_CHANNEL, null, null, false);

	private final String channel;

	private final @Nullable Object partitionKey;

	private final @Nullable String sender;

	private final boolean ack;

	private ForwardOptions(String channel, @Nullable Object partitionKey, @Nullable String sender, boolean ack) {
		this.channel = channel;
		this.partitionKey = partitionKey;
		this.sender = sender;
		this.ack = ack;
	}

	/** The default channel, no partition key, the sender identity taken from the calling context. */
	public static ForwardOptions defaults() {
		return DEFAULTS;
	}

	/** Options that send on the named channel. */
	public static ForwardOptions channel(String channel) {
		return DEFAULTS.onChannel(channel);
	}

	public ForwardOptions onChannel(String channel) {
		Objects.requireNonNull(channel, "channel");
		if (channel.isBlank()) {
			throw new IllegalArgumentException("A channel name must not be blank");
		}
		return new ForwardOptions(channel, this.partitionKey, this.sender, this.ack);
	}

	/**
	 * Routes by this key: all messages with an equal key take the same lane of the channel (the
	 * papers' partition-based affinity, e.g. a vnode's partition index).
	 */
	public ForwardOptions partitionKey(@Nullable Object key) {
		return new ForwardOptions(this.channel, key, this.sender, this.ack);
	}

	/**
	 * Names the sending actor for affinity when there is no partition key. Without it, a message sent
	 * from inside a handler uses that handler's name, and otherwise the calling thread's identity.
	 */
	public ForwardOptions sender(@Nullable String sender) {
		return new ForwardOptions(this.channel, this.partitionKey, sender, this.ack);
	}

	/**
	 * Asks for acknowledgement: the sender keeps the message and retransmits it until the receiver
	 * acknowledges, and the receiver delivers it once (see the README's delivery guarantees). Channels
	 * configured with {@code ack} acknowledge every message.
	 */
	public ForwardOptions ack(boolean ack) {
		return new ForwardOptions(this.channel, this.partitionKey, this.sender, ack);
	}

	public boolean ack() {
		return this.ack;
	}

	public String channel() {
		return this.channel;
	}

	public @Nullable Object partitionKey() {
		return this.partitionKey;
	}

	public @Nullable String sender() {
		return this.sender;
	}

	@Override
	public String toString() {
		return "ForwardOptions[channel=" + this.channel + ", partitionKey=" + this.partitionKey + ", sender="
				+ this.sender + ", ack=" + this.ack + "]";
	}

}
