package dev.partisan.runtime;

import java.util.Comparator;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Fails futures that are not done by their deadline, with a {@link TimeoutException} as
 * {@link CompletableFuture#orTimeout} does, but without a timer task per future: the
 * deadlines wait in one sorted set and a single check is scheduled for the earliest of
 * them. A call made with the same time-out as the calls before it ends later than they
 * do, so it schedules nothing and wakes no thread; {@code orTimeout} wakes its timer
 * thread for every call that is the only one waiting (a caller that waits for each reply
 * before the next call).
 */
final class Deadlines {

	private record Entry(long at, long sequence, CompletableFuture<?> future) {
	}

	private static final Comparator<Entry> ORDER = (a, b) -> {
		long difference = a.at - b.at;
		if (difference != 0) {
			return (difference < 0) ? -1 : 1;
		}
		return Long.compare(a.sequence, b.sequence);
	};

	private final ConcurrentSkipListSet<Entry> entries = new ConcurrentSkipListSet<>(ORDER);

	private final AtomicLong sequence = new AtomicLong();

	private final ScheduledExecutorService timer;

	/** Whether a check is scheduled, and for when; guarded by this. */
	private boolean scheduled;

	private long checkAt;

	/**
	 * Expiry runs on {@code timer}, and so do the stages that depend on the futures
	 * failed.
	 */
	Deadlines(ScheduledExecutorService timer) {
		this.timer = timer;
	}

	/**
	 * Fails {@code future} with a {@link TimeoutException} if it is not done within
	 * {@code timeoutMillis}; returns it.
	 */
	<T> CompletableFuture<T> orTimeout(CompletableFuture<T> future, long timeoutMillis) {
		if (future.isDone()) {
			return future;
		}
		Entry entry = new Entry(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis),
				this.sequence.incrementAndGet(), future);
		this.entries.add(entry);
		future.whenComplete((value, error) -> this.entries.remove(entry));
		try {
			synchronized (this) {
				if (!this.scheduled || entry.at - this.checkAt < 0) {
					schedule(entry.at);
				}
			}
		}
		catch (RejectedExecutionException ex) {
			// The node is closing: its timer is gone, the JDK's is not.
			this.entries.remove(entry);
			future.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		return future;
	}

	/** Guarded by this. */
	private void schedule(long at) {
		this.timer.schedule(this::check, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
		this.scheduled = true;
		this.checkAt = at;
	}

	/** Fails what is due, then schedules the check of the earliest deadline left. */
	private void check() {
		long now = System.nanoTime();
		Entry first;
		while ((first = firstOrNull()) != null && first.at - now <= 0) {
			if (this.entries.remove(first)) {
				first.future.completeExceptionally(new TimeoutException());
			}
		}
		synchronized (this) {
			Entry next = firstOrNull();
			if (next == null) {
				this.scheduled = false;
			}
			else if (!this.scheduled || next.at != this.checkAt || this.checkAt - now <= 0) {
				try {
					schedule(next.at);
				}
				catch (RejectedExecutionException ex) {
					// The node is closing: its pending calls are failed by the close.
					this.scheduled = false;
				}
			}
		}
	}

	private @Nullable Entry firstOrNull() {
		Iterator<Entry> sorted = this.entries.iterator();
		return sorted.hasNext() ? sorted.next() : null;
	}

	/** Deadlines waiting (for tests). */
	int waiting() {
		return this.entries.size();
	}

}
