package dev.partisan.api;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The bytes of a binary message ({@code byte[]} or {@code ByteBuffer} on the sending
 * side), lent to a handler without a copy: a handler registered for
 * {@code PayloadView.class} reads the received bytes where the network put them.
 *
 * <p>
 * <b>Lifetime:</b> a view is valid only while the handler it was given to runs. Once the
 * handler returns (or throws), its memory goes back to the pool for the next message, and
 * every method of the view throws {@link IllegalStateException}. The {@link ByteBuffer}s
 * it handed out cannot be revoked that way: do not keep them, or anything that reads
 * them, beyond the handler; copy what must outlive it ({@link #toArray()}). A handler
 * that takes {@code byte[]} gets such a copy made for it.
 *
 * <p>
 * Only binary payloads can be viewed; an object or a string sent to such a handler is
 * rejected like any payload of the wrong type. A view cannot be the reply type of a call.
 */
public interface PayloadView {

	/** The number of bytes. */
	int size();

	/** The byte at {@code index}, from 0 to {@code size() - 1}. */
	byte get(int index);

	/** A copy of the bytes, the caller's to keep. */
	byte[] toArray();

	/**
	 * The bytes as one read-only buffer, valid until the handler returns. Without a copy
	 * when the bytes arrived in one piece of memory; a large message usually arrives in
	 * several (one per socket read), and then this makes one copy:
	 * {@link #asReadOnlyBuffers()} does not.
	 */
	ByteBuffer asReadOnlyBuffer();

	/**
	 * The bytes as read-only buffers in order (e.g. for a gathering write to a file or
	 * socket), without a copy; valid until the handler returns.
	 */
	List<ByteBuffer> asReadOnlyBuffers();

	/** Whether the handler the view was lent to is still running. */
	boolean isValid();

}
