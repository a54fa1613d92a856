package dev.partisan.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The header text of the last frame a connection read (channel, sender, sender identity,
 * destination, payload type), to answer the next frame's with the same strings: on a
 * connection they rarely change from one frame to the next, and a string read again is no
 * longer decoded, allocated, or hashed anew where it is looked up. One per connection,
 * used by its reading thread only. Long values are not kept.
 */
public final class FrameNames {

	/** Values up to this many bytes are kept. */
	static final int MAX_KEPT = 128;

	static final int CHANNEL = 0;

	static final int SENDER = 1;

	static final int IDENTITY = 2;

	static final int DESTINATION = 3;

	static final int PAYLOAD_TYPE = 4;

	private final byte[] @Nullable [] bytes = new byte[5][];

	private final @Nullable String[] values = new String[5];

	private final byte[] scratch = new byte[MAX_KEPT];

	/**
	 * The UTF-8 text of the {@code length} bytes at {@code body}'s reader index, which it
	 * then skips; {@code null} when it is not the value kept for {@code field} (and no
	 * bytes were skipped).
	 */
	@Nullable String read(ByteBuf body, int length, int field) {
		byte[] kept = this.bytes[field];
		if (kept == null || kept.length != length) {
			return null;
		}
		body.getBytes(body.readerIndex(), this.scratch, 0, length);
		if (!Arrays.equals(this.scratch, 0, length, kept, 0, length)) {
			return null;
		}
		body.skipBytes(length);
		return this.values[field];
	}

	/** Keeps {@code value}, just read from {@code length} bytes, for {@code field}. */
	void keep(int field, String value, int length) {
		if (length <= MAX_KEPT) {
			byte[] encoded = value.getBytes(StandardCharsets.UTF_8);
			if (encoded.length == length) {
				this.bytes[field] = encoded;
				this.values[field] = value;
			}
		}
	}

}
