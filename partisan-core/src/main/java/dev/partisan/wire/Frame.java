package dev.partisan.wire;

import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A decoded frame. The payload is a slice of the received buffer: whoever takes the frame
 * owns one reference and must {@link #release()} it once the payload is decoded.
 *
 * @param kind what the frame carries
 * @param flags bit flags, see {@link FrameCodec#FLAG_COMPRESSED}
 * @param messageId the sender's id for the message
 * @param channel the channel name
 * @param sender the sending node's name
 * @param senderIdentity the sending actor, used for affinity
 * @param destination the handler (or control message type) it is for
 * @param codecId which payload codec wrote the payload
 * @param payloadType the codec's type name for the payload, empty when the codec needs
 * none
 * @param payload the payload bytes
 * @param trace the trace context the message carries (W3C {@code traceparent},
 * {@code baggage}...), empty when it carries none; see {@link TraceHeaders}
 */
public record Frame(FrameKind kind, int flags, long messageId, String channel, String sender, String senderIdentity,
		String destination, byte codecId, String payloadType, ByteBuf payload, Map<String, String> trace) {

	public Frame {
		// Most frames carry none: no copy to make then.
		trace = trace.isEmpty() ? Map.of() : Map.copyOf(trace);
	}

	/** A frame that carries no trace context. */
	public Frame(FrameKind kind, int flags, long messageId, String channel, String sender, String senderIdentity,
			String destination, byte codecId, String payloadType, ByteBuf payload) {
		this(kind, flags, messageId, channel, sender, senderIdentity, destination, codecId, payloadType, payload,
				Map.of());
	}

	/**
	 * A frame of {@code kind} from {@code sender} with no flags, no destination and no
	 * payload (a hello's envelope, a heartbeat, an acknowledgement); the {@code with}
	 * methods fill in the rest.
	 */
	public static Frame of(FrameKind kind, long messageId, String channel, String sender) {
		return new Frame(kind, 0, messageId, channel, sender, "", "", (byte) 0, "", Unpooled.EMPTY_BUFFER);
	}

	/** This frame carrying {@code payload} instead. */
	public Frame withPayload(ByteBuf payload) {
		return new Frame(this.kind, this.flags, this.messageId, this.channel, this.sender, this.senderIdentity,
				this.destination, this.codecId, this.payloadType, payload, this.trace);
	}

	/**
	 * This frame addressed to {@code destination} on behalf of {@code senderIdentity}.
	 */
	public Frame withAddress(String senderIdentity, String destination) {
		return new Frame(this.kind, this.flags, this.messageId, this.channel, this.sender, senderIdentity, destination,
				this.codecId, this.payloadType, this.payload, this.trace);
	}

	/**
	 * This frame whose payload the codec {@code codecId} wrote as {@code payloadType}.
	 */
	public Frame withCodec(byte codecId, String payloadType) {
		return new Frame(this.kind, this.flags, this.messageId, this.channel, this.sender, this.senderIdentity,
				this.destination, codecId, payloadType, this.payload, this.trace);
	}

	/** This frame with {@code flags}. */
	public Frame withFlags(int flags) {
		return new Frame(this.kind, flags, this.messageId, this.channel, this.sender, this.senderIdentity,
				this.destination, this.codecId, this.payloadType, this.payload, this.trace);
	}

	/**
	 * This frame carrying the trace context {@code headers} (checked against the
	 * {@link TraceHeaders} bounds when it is encoded).
	 */
	public Frame withTrace(Map<String, String> headers) {
		return new Frame(this.kind, this.flags, this.messageId, this.channel, this.sender, this.senderIdentity,
				this.destination, this.codecId, this.payloadType, this.payload, headers);
	}

	public boolean compressed() {
		return (this.flags & FrameCodec.FLAG_COMPRESSED) != 0;
	}

	public void release() {
		this.payload.release();
	}

}
