package dev.partisan.demo.kv.kv;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Timestamps for last-writer-wins: wall-clock milliseconds, but never the same or lower
 * twice on one node, so two writes coordinated here in one millisecond are still ordered
 * (the later wins). Across nodes the node name breaks ties; clocks that disagree make the
 * faster clock's writes win, as in any LWW store.
 */
public final class LwwClock {

	private final LongSupplier millis;

	private final AtomicLong last = new AtomicLong();

	public LwwClock() {
		this(System::currentTimeMillis);
	}

	LwwClock(LongSupplier millis) {
		this.millis = millis;
	}

	public long next() {
		long now = this.millis.getAsLong();
		return this.last.updateAndGet((previous) -> Math.max(previous + 1, now));
	}

}
