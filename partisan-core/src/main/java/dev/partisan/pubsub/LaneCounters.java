package dev.partisan.pubsub;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What went through one lane to or from one peer: the pub-sub overlay's row of the
 * connection table.
 */
final class LaneCounters {

	final AtomicLong queuedMessages = new AtomicLong();

	final AtomicLong queuedBytes = new AtomicLong();

	final LongAdder sentMessages = new LongAdder();

	final LongAdder sentBytes = new LongAdder();

	final LongAdder receivedMessages = new LongAdder();

	final LongAdder receivedBytes = new LongAdder();

	final LongAdder droppedMessages = new LongAdder();

	final LongAdder supersededMessages = new LongAdder();

	void queued(int bytes) {
		this.queuedMessages.incrementAndGet();
		this.queuedBytes.addAndGet(bytes);
	}

	void unqueued(int bytes) {
		this.queuedMessages.decrementAndGet();
		this.queuedBytes.addAndGet(-bytes);
	}

}
