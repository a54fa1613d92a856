package dev.partisan.wire;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * Writes and reads frames. On the wire a frame is a 4-byte big-endian length (of what
 * follows), then:
 *
 * <pre>
 * u8  version        (1)
 * u8  kind           (FrameKind code)
 * u16 flags          (1: payload compressed, 2: call, 4: error reply, 8: empty reply, 16: acknowledge, 32: causal,
 *                     64: trace section)
 * i64 message id
 * u8  len, channel           (UTF-8)
 * u8  len, sender node name  (UTF-8)
 * u16 len, sender identity   (UTF-8)
 * u16 len, destination       (UTF-8)
 * u8  codec id
 * u16 len, payload type      (UTF-8, may be empty)
 * ... trace section          (only with flag 64, see {@link TraceHeaders})
 * ... payload (the rest of the frame)
 * </pre>
 *
 * The trace section is optional so that a frame without one is the same bytes as before
 * it existed; a node writes it only when observations are on and the message has a trace
 * context.
 *
 * The length prefix lets a reader reject an oversized frame before buffering it.
 */
public final class FrameCodec {

	public static final int VERSION = 1;

	public static final int LENGTH_FIELD_SIZE = 4;

	public static final int FLAG_COMPRESSED = 1;

	/** On DATA: the sender waits for a REPLY with this message id. */
	public static final int FLAG_CALL = 2;

	/** On REPLY: the handler failed; the payload is its error message. */
	public static final int FLAG_ERROR = 4;

	/** On REPLY: the handler returned nothing; the payload is a placeholder. */
	public static final int FLAG_NULL_REPLY = 8;

	/** On DATA: the receiver acknowledges it; the sender retransmits until it does. */
	public static final int FLAG_ACK = 16;

	/** On DATA: the payload starts with a causal header (label and matrix stamp). */
	public static final int FLAG_CAUSAL = 32;

	/**
	 * A trace section follows the payload type ({@link TraceHeaders}); set by
	 * {@link #encode} exactly when the frame has a trace.
	 */
	public static final int FLAG_TRACE = 64;

	private FrameCodec() {
	}

	/**
	 * Payloads smaller than this are copied behind their header into one buffer: for a
	 * few bytes, one buffer costs less than two.
	 */
	public static final int GATHER_THRESHOLD = 8 * 1024;

	/**
	 * A large heap payload is copied into pieces of at most this size: the largest buffer
	 * Netty's default allocator takes from its pool. A bigger one is allocated afresh,
	 * and zeroed and page-faulted in, for every message; that is also why the header is
	 * not in the same buffer as a 1 MiB payload.
	 */
	static final int PIECE_SIZE = 1024 * 1024;

	/**
	 * Builds a complete frame, length prefix included; the frame's payload buffer is
	 * consumed (released, or owned by the returned buffer).
	 *
	 * <p>
	 * The header is its own small direct buffer and a large payload follows it as a
	 * second component, so the socket writes both with one gathering write:
	 * <ul>
	 * <li>A payload in direct memory (a direct {@code ByteBuffer}, a received slice being
	 * relayed, a compressed payload) is not copied at all.</li>
	 * <li>A payload on the heap (a {@code byte[]}) is copied once, into pooled direct
	 * pieces, on the sending thread: the native transport can only write from off-heap
	 * memory, and would otherwise make the same copy itself, into one unpooled buffer, on
	 * the event loop that every sender of the connection shares. Having been copied, the
	 * caller's array may be reused as soon as this returns.</li>
	 * <li>A small payload is copied behind the header into one buffer.</li>
	 * </ul>
	 */
	public static ByteBuf encode(ByteBufAllocator alloc, Frame frame) {
		ByteBuf payload = frame.payload();
		byte[] channelBytes;
		byte[] senderBytes;
		byte[] identityBytes;
		byte[] destinationBytes;
		byte[] typeBytes;
		try {
			channelBytes = utf8(frame.channel(), 255, "channel");
			senderBytes = utf8(frame.sender(), 255, "sender");
			identityBytes = utf8(frame.senderIdentity(), 65535, "sender identity");
			destinationBytes = utf8(frame.destination(), 65535, "destination");
			typeBytes = utf8(frame.payloadType(), 65535, "payload type");
			if (!frame.trace().isEmpty()) {
				TraceHeaders.check(frame.trace());
			}
		}
		catch (IllegalArgumentException ex) {
			payload.release();
			throw ex;
		}
		int headerSize = 1 + 1 + 2 + 8 + 1 + channelBytes.length + 1 + senderBytes.length + 2 + identityBytes.length + 2
				+ destinationBytes.length + 1 + 2 + typeBytes.length
				+ (frame.trace().isEmpty() ? 0 : TraceHeaders.size(frame.trace()));
		int flags = frame.trace().isEmpty() ? frame.flags() & ~FLAG_TRACE : frame.flags() | FLAG_TRACE;
		int payloadSize = payload.readableBytes();
		long frameLength = (long) headerSize + payloadSize;
		if (frameLength > Integer.MAX_VALUE - LENGTH_FIELD_SIZE) {
			payload.release();
			throw new MalformedFrameException("frame of " + frameLength + " bytes cannot be encoded");
		}
		boolean gather = payloadSize >= GATHER_THRESHOLD;
		ByteBuf header = alloc.directBuffer(LENGTH_FIELD_SIZE + headerSize + (gather ? 0 : payloadSize));
		header.writeInt((int) frameLength);
		header.writeByte(VERSION);
		header.writeByte(frame.kind().code());
		header.writeShort(flags);
		header.writeLong(frame.messageId());
		header.writeByte(channelBytes.length).writeBytes(channelBytes);
		header.writeByte(senderBytes.length).writeBytes(senderBytes);
		header.writeShort(identityBytes.length).writeBytes(identityBytes);
		header.writeShort(destinationBytes.length).writeBytes(destinationBytes);
		header.writeByte(frame.codecId());
		header.writeShort(typeBytes.length).writeBytes(typeBytes);
		if ((flags & FLAG_TRACE) != 0) {
			TraceHeaders.write(header, frame.trace());
		}
		if (!gather) {
			header.writeBytes(payload);
			payload.release();
			return header;
		}
		CompositeByteBuf out = alloc.compositeDirectBuffer(2 + payloadSize / PIECE_SIZE + 1);
		out.addComponent(true, header);
		// A composite is direct only when every one of its components is.
		if (payload.isDirect()) {
			out.addComponent(true, payload);
			return out;
		}
		try {
			for (int offset = 0; offset < payloadSize; offset += PIECE_SIZE) {
				int length = Math.min(PIECE_SIZE, payloadSize - offset);
				ByteBuf piece = alloc.directBuffer(length, length);
				piece.writeBytes(payload, payload.readerIndex() + offset, length);
				out.addComponent(true, piece);
			}
		}
		catch (RuntimeException | Error ex) {
			out.release();
			throw ex;
		}
		finally {
			payload.release();
		}
		return out;
	}

	/**
	 * Reads one frame whose length prefix has already been stripped. The returned frame
	 * holds a retained slice of {@code body}; the caller still owns its own reference to
	 * {@code body}.
	 * @throws MalformedFrameException when the bytes do not form a frame
	 * @throws MalformedTraceException when the frame's trace section is malformed (the
	 * frame is unusable, but the stream of frames around it is sound)
	 */
	public static Frame decode(ByteBuf body) {
		return decode(body, null);
	}

	/**
	 * Like {@link #decode(ByteBuf)}; header text equal to the previous frame's is
	 * answered from {@code names}, the memo of the connection the frame came on.
	 */
	public static Frame decode(ByteBuf body, @Nullable FrameNames names) {
		try {
			int version = body.readUnsignedByte();
			if (version != VERSION) {
				throw new MalformedFrameException(
						"unsupported protocol version " + version + " (expected " + VERSION + ")");
			}
			FrameKind kind = FrameKind.fromCode(body.readUnsignedByte());
			int flags = body.readUnsignedShort();
			long messageId = body.readLong();
			String channel = readString(body, body.readUnsignedByte(), "channel", names, FrameNames.CHANNEL);
			String sender = readString(body, body.readUnsignedByte(), "sender", names, FrameNames.SENDER);
			String identity = readString(body, body.readUnsignedShort(), "sender identity", names, FrameNames.IDENTITY);
			String destination = readString(body, body.readUnsignedShort(), "destination", names,
					FrameNames.DESTINATION);
			byte codecId = body.readByte();
			String payloadType = readString(body, body.readUnsignedShort(), "payload type", names,
					FrameNames.PAYLOAD_TYPE);
			Map<String, String> trace = ((flags & FLAG_TRACE) != 0) ? TraceHeaders.read(body) : Map.of();
			ByteBuf payload = body.readRetainedSlice(body.readableBytes());
			return new Frame(kind, flags, messageId, channel, sender, identity, destination, codecId, payloadType,
					payload, trace);
		}
		catch (IndexOutOfBoundsException ex) {
			throw new MalformedFrameException("frame ends inside its header");
		}
	}

	private static String readString(ByteBuf body, int length, String what, @Nullable FrameNames names, int field) {
		if (names == null || length > FrameNames.MAX_KEPT || length > body.readableBytes()) {
			return readString(body, length, what);
		}
		String kept = names.read(body, length, field);
		if (kept != null) {
			return kept;
		}
		String value = readString(body, length, what);
		names.keep(field, value, length);
		return value;
	}

	private static String readString(ByteBuf body, int length, String what) {
		if (length > body.readableBytes()) {
			throw new MalformedFrameException(what + " length " + length + " runs past the end of the frame");
		}
		String value = body.toString(body.readerIndex(), length, StandardCharsets.UTF_8);
		// Malformed bytes decode to U+FFFD, three bytes each when written again: the
		// field
		// would no longer fit its length, and the frame could not be passed on or
		// answered.
		// Only a value holding U+FFFD can be malformed, so valid text pays no second
		// scan.
		if (value.indexOf('\uFFFD') >= 0
				&& !ByteBufUtil.isText(body, body.readerIndex(), length, StandardCharsets.UTF_8)) {
			throw new MalformedFrameException(what + " is not valid UTF-8");
		}
		body.skipBytes(length);
		return value;
	}

	private static byte[] utf8(String value, int max, String what) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		if (bytes.length > max) {
			throw new IllegalArgumentException(what + " '" + value + "' is longer than " + max + " bytes");
		}
		return bytes;
	}

}
