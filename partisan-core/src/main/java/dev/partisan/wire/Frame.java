package dev.partisan.wire;

import io.netty.buffer.ByteBuf;

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
 */
public record Frame(FrameKind kind, int flags, long messageId, String channel, String sender, String senderIdentity,
		String destination, byte codecId, String payloadType, ByteBuf payload) {

	public boolean compressed() {
		return (this.flags & FrameCodec.FLAG_COMPRESSED) != 0;
	}

	public void release() {
		this.payload.release();
	}

}
