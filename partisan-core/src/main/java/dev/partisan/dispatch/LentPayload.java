package dev.partisan.dispatch;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import dev.partisan.api.PayloadView;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * A {@link PayloadView} over a received payload, lent to one handler call: the mailbox
 * {@link #end() ends} it when the handler returns, which releases the buffer and makes
 * every later use of the view fail instead of reading memory that holds another message
 * by then.
 */
public final class LentPayload implements PayloadView {

	private final ByteBuf bytes;

	/**
	 * Set and read on the handler's worker only; volatile for a view leaked elsewhere.
	 */
	private volatile boolean valid = true;

	/** Takes over {@code bytes} (one reference, released by {@link #end()}). */
	public LentPayload(ByteBuf bytes) {
		this.bytes = bytes;
	}

	@Override
	public int size() {
		check();
		return this.bytes.readableBytes();
	}

	@Override
	public byte get(int index) {
		check();
		if (index < 0 || index >= this.bytes.readableBytes()) {
			throw new IndexOutOfBoundsException("index " + index + " of a payload of " + this.bytes.readableBytes());
		}
		return this.bytes.getByte(this.bytes.readerIndex() + index);
	}

	@Override
	public byte[] toArray() {
		check();
		return ByteBufUtil.getBytes(this.bytes);
	}

	@Override
	public ByteBuffer asReadOnlyBuffer() {
		check();
		if (this.bytes.nioBufferCount() == 1) {
			return this.bytes.nioBuffer().asReadOnlyBuffer();
		}
		return ByteBuffer.wrap(ByteBufUtil.getBytes(this.bytes)).asReadOnlyBuffer();
	}

	@Override
	public List<ByteBuffer> asReadOnlyBuffers() {
		check();
		ByteBuffer[] parts = this.bytes.nioBuffers();
		List<ByteBuffer> views = new ArrayList<>(parts.length);
		for (ByteBuffer part : parts) {
			views.add(part.asReadOnlyBuffer());
		}
		return views;
	}

	@Override
	public boolean isValid() {
		return this.valid;
	}

	/** The handler has returned: release the bytes; the view is no longer usable. */
	void end() {
		if (this.valid) {
			this.valid = false;
			this.bytes.release();
		}
	}

	private void check() {
		if (!this.valid) {
			throw new IllegalStateException(
					"A PayloadView is valid only while its handler runs; copy what must outlive it (toArray)");
		}
	}

	@Override
	public String toString() {
		return this.valid ? "PayloadView of " + this.bytes.readableBytes() + " bytes" : "PayloadView (ended)";
	}

}
