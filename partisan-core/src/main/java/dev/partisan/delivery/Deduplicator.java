package dev.partisan.delivery;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.partisan.api.NodeId;

/**
 * The receiver's side: remembers which acknowledged messages it has accepted, per sender
 * incarnation, for a window of time (and at most a bounded number per sender), so a
 * retransmission of a message that was delivered but whose acknowledgement was lost is
 * not delivered again.
 */
public final class Deduplicator {

	private record Sender(NodeId node, long incarnation) {
	}

	private final Map<Sender, LinkedHashMap<Long, Long>> seen = new ConcurrentHashMap<>();

	private final long windowNanos;

	private final int maxPerSender;

	private final LongAdder duplicates = new LongAdder();

	public Deduplicator(long windowNanos, int maxPerSender) {
		this.windowNanos = windowNanos;
		this.maxPerSender = maxPerSender;
	}

	/**
	 * Records message {@code id} of this sender incarnation; false (and counted) when it
	 * was recorded already, i.e. the message is a duplicate.
	 */
	public boolean firstTime(NodeId sender, long incarnation, long id) {
		Sender key = new Sender(sender, incarnation);
		LinkedHashMap<Long, Long> ids = this.seen.get(key);
		if (ids == null) {
			// A new incarnation: the restarted sender's ids start again, so the old ones
			// are no use.
			this.seen.keySet().removeIf((known) -> known.node().equals(sender) && known.incarnation() < incarnation);
			ids = this.seen.computeIfAbsent(key, (s) -> new LinkedHashMap<>());
		}
		long now = System.nanoTime();
		synchronized (ids) {
			if (ids.putIfAbsent(id, now) != null) {
				this.duplicates.increment();
				return false;
			}
			Iterator<Map.Entry<Long, Long>> oldest = ids.entrySet().iterator();
			while (oldest.hasNext()) {
				Map.Entry<Long, Long> entry = oldest.next();
				if (ids.size() > this.maxPerSender || now - entry.getValue() > this.windowNanos) {
					oldest.remove();
				}
				else {
					break;
				}
			}
			return true;
		}
	}

	/**
	 * Forgets message {@code id}, which was recorded but could not be accepted (so it may
	 * come again).
	 */
	public void forget(NodeId sender, long incarnation, long id) {
		LinkedHashMap<Long, Long> ids = this.seen.get(new Sender(sender, incarnation));
		if (ids != null) {
			synchronized (ids) {
				ids.remove(id);
			}
		}
	}

	public long duplicates() {
		return this.duplicates.sum();
	}

}
