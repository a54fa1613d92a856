package dev.partisan.pubsub;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.partisan.transport.InboundFlow;

/**
 * Read back-pressure for one delivery from a broker queue: when the handler's mailbox is
 * full, the consumer's thread waits here until it has drained, so the broker stops
 * pushing past the prefetch and the messages wait on the broker (bounded by the queue's
 * maximum length) instead of being dropped.
 */
final class PausableDelivery implements InboundFlow {

	private int pauses;

	@Override
	public synchronized void pause() {
		this.pauses++;
	}

	@Override
	public synchronized void resume() {
		if (this.pauses > 0) {
			this.pauses--;
		}
		notifyAll();
	}

	/**
	 * Blocks while paused, checking {@code stopping} every 100 ms so a closing node never
	 * hangs here.
	 */
	synchronized void awaitResumed(BooleanSupplier stopping) throws InterruptedException {
		while (this.pauses > 0 && !stopping.getAsBoolean()) {
			wait(TimeUnit.MILLISECONDS.toMillis(100));
		}
	}

}
