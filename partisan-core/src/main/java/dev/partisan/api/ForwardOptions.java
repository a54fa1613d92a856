package dev.partisan.api;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How one message travels: on which named channel, and with which partition key for lane
 * selection. Immutable; every {@code with}-style method returns a copy.
 *
 * <p>
 * Ordering follows from lane selection: messages from one sender to one destination name
 * on one channel with one partition key (or without a key, when affinity is on) use one
 * connection, so they arrive in the order they were sent. Nothing is promised across
 * channels, across keys, or across a reconnection of the lane.
 */
public final class ForwardOptions {

	/** The name of the channel every node has and that messages without a channel use. */
	public static final String DEFAULT_CHANNEL = "default";

	private static final ForwardOptions DEFAULTS = new ForwardOptions(DEFAULT_CHANNEL, null, null, false, null);

	private final String channel;

	private final @Nullable Object partitionKey;

	private final @Nullable String sender;

	private final boolean ack;

	private final @Nullable String causalLabel;

	private ForwardOptions(String channel, @Nullable Object partitionKey, @Nullable String sender, boolean ack,
			@Nullable String causalLabel) {
		this.channel = channel;
		this.partitionKey = partitionKey;
		this.sender = sender;
		this.ack = ack;
		this.causalLabel = causalLabel;
	}

	/**
	 * The default channel, no partition key, the sender identity taken from the calling
	 * context.
	 */
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
		return new ForwardOptions(channel, this.partitionKey, this.sender, this.ack, this.causalLabel);
	}

	/**
	 * Routes by this key: all messages with an equal key take the same lane of the
	 * channel (the papers' partition-based affinity, e.g. a vnode's partition index).
	 */
	public ForwardOptions partitionKey(@Nullable Object key) {
		return new ForwardOptions(this.channel, key, this.sender, this.ack, this.causalLabel);
	}

	/**
	 * Names the sending actor for affinity when there is no partition key. Without it, a
	 * message sent from inside a handler uses that handler's name, and otherwise the
	 * calling thread's identity.
	 */
	public ForwardOptions sender(@Nullable String sender) {
		return new ForwardOptions(this.channel, this.partitionKey, sender, this.ack, this.causalLabel);
	}

	/**
	 * Asks for acknowledgement: the sender keeps the message and retransmits it until the
	 * receiver acknowledges, and the receiver delivers it once (see the README's delivery
	 * guarantees). The receiver acknowledges after its handler has returned (a request
	 * handler's: after its reply is sent), not when the message is queued for it: a
	 * receiver that crashes before then gets the message again from the sender once it
	 * restarts. So delivery is exactly-once while both nodes stay up (duplicates are
	 * dropped) and at-least-once across a receiver restart (a message handled just before
	 * the crash, but not yet acknowledged, is handled again). A handler that throws still
	 * counts as handled. Channels configured with {@code ack} acknowledge every message.
	 */
	public ForwardOptions ack(boolean ack) {
		return new ForwardOptions(this.channel, this.partitionKey, this.sender, ack, this.causalLabel);
	}

	public boolean ack() {
		return this.ack || this.causalLabel != null;
	}

	/**
	 * Delivers in causal order with the other messages of this label: a receiver holds a
	 * message back until every message sent to it that causally precedes it (with this
	 * label, from any node) has been delivered. Implies {@link #ack(boolean)
	 * acknowledgement}, since a lost predecessor would hold its successors forever.
	 */
	public ForwardOptions causalLabel(@Nullable String label) {
		return new ForwardOptions(this.channel, this.partitionKey, this.sender, this.ack, label);
	}

	public @Nullable String causalLabel() {
		return this.causalLabel;
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
				+ this.sender + ", ack=" + this.ack + ", causalLabel=" + this.causalLabel + "]";
	}

}
