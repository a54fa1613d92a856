package dev.partisan.pipeline;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.NodeId;
import dev.partisan.dispatch.Dispatcher;
import dev.partisan.transport.ChannelSpec;

/**
 * Turns an application's send into an envelope: a fresh message id, the channel and key, the sending actor
 * (for affinity: the option, else the handler running on this thread, else the thread) and whether it is
 * acknowledged (asked for, implied by a causal label, or configured on the channel).
 */
public final class Sending {

	private final AtomicLong ids;

	private final Map<String, ChannelSpec> channels;

	public Sending(AtomicLong ids, Map<String, ChannelSpec> channels) {
		this.ids = ids;
		this.channels = channels;
	}

	/** The envelope of {@code message} for handler {@code name} on {@code node}. */
	public OutboundEnvelope envelope(NodeId node, String name, Object message, ForwardOptions options) {
		ChannelSpec spec = this.channels.get(options.channel());
		return OutboundEnvelope.data(this.ids.incrementAndGet(), node, options.channel(), message)
			.destination(name)
			.partitionKey(options.partitionKey())
			.senderIdentity(senderIdentity(options))
			.causalLabel(options.causalLabel())
			.track(options.ack() || (spec != null && spec.ack()));
	}

	private static String senderIdentity(ForwardOptions options) {
		if (options.sender() != null) {
			return options.sender();
		}
		String handler = Dispatcher.currentHandler();
		if (handler != null) {
			return handler;
		}
		return "thread-" + Thread.currentThread().getId();
	}

}
