package dev.partisan.pipeline;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.partisan.api.ForwardOptions;
import dev.partisan.api.MessageTooLargeException;
import dev.partisan.api.NodeId;
import dev.partisan.dispatch.Dispatcher;
import dev.partisan.transport.ChannelSpec;
import dev.partisan.wire.PayloadCodec;
import dev.partisan.wire.PayloadCodecs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

/**
 * Turns an application's send into an envelope: a fresh message id, the channel and key,
 * the sending actor (for affinity: the option, else the handler running on this thread,
 * else the thread) and whether it is acknowledged (asked for, implied by a causal label,
 * or configured on the channel).
 */
public final class Sending {

	/**
	 * A message encoded whole, for the overlay's own broadcast (Plumtree keeps the bytes
	 * in its gossip).
	 */
	public record Encoded(byte codecId, String payloadType, byte[] bytes) {
	}

	private final AtomicLong ids;

	private final Map<String, ChannelSpec> channels;

	private final PayloadCodecs codecs;

	private final ByteBufAllocator alloc;

	public Sending(AtomicLong ids, Map<String, ChannelSpec> channels, PayloadCodecs codecs, ByteBufAllocator alloc) {
		this.ids = ids;
		this.channels = channels;
		this.codecs = codecs;
		this.alloc = alloc;
	}

	/**
	 * {@code message} encoded as bytes of its own.
	 * @throws MessageTooLargeException when it is larger than {@code maxSize}
	 */
	public Encoded encodeWhole(Object message, int maxSize) {
		PayloadCodec codec = this.codecs.codecFor(message);
		ByteBuf encoded = codec.encode(message, this.alloc);
		byte[] bytes = ByteBufUtil.getBytes(encoded);
		encoded.release();
		if (bytes.length > maxSize) {
			throw new MessageTooLargeException(bytes.length, maxSize);
		}
		return new Encoded(codec.id(), codec.typeName(message), bytes);
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
