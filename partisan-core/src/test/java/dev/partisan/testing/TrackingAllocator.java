package dev.partisan.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * An unpooled allocator that remembers every buffer it hands out, so a test can check
 * that the code under test released what it allocated: Netty's leak detector only
 * samples, and only reports when a buffer is garbage collected, which a test cannot wait
 * for.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

	private final List<ByteBuf> allocated = new CopyOnWriteArrayList<>();

	public TrackingAllocator() {
		super(false);
	}

	@Override
	protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
		return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
	}

	@Override
	protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
		return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
	}

	@Override
	public boolean isDirectBufferPooled() {
		return false;
	}

	/** How many buffers were handed out so far. */
	public int allocations() {
		return this.allocated.size();
	}

	/** The buffers handed out and not yet released. */
	public List<ByteBuf> unreleased() {
		return this.allocated.stream().filter((buffer) -> buffer.refCnt() > 0).toList();
	}

	private ByteBuf track(ByteBuf buffer) {
		this.allocated.add(buffer);
		return buffer;
	}

}
